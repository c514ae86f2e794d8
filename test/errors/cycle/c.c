int f_c(void) { return 0; }
