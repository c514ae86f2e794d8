int f_obj(void) { return 0; }
