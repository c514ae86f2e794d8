int xa(void) { return 1; }
