int xq(void) { return 3; }
