int f_main(void) { return 0; }
