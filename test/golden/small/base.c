int f_base(void) { return 0; }
