int f_plug(void) { return 0; }
