#include <stdio.h>
#include <string.h>
int xa(void);
int xc(void);
int xq(void);
int main(void) {
    printf("%d %s %s\n", xa() + xc() + xq(), PATH_SEP, strlen(DOLLAR) > 0 ? "dollar" : "");
    return 0;
}
