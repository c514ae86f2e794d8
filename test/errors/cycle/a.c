int f_a(void) { return 0; }
