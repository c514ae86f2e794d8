int f_b(void) { return 0; }
