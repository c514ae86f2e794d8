int xc(void) { return 2; }
