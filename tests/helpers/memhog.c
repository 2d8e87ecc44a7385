/* memhog MB: allocates MB megabytes and touches every page, then prints
 * "allocated MB" and exits 0. Under a smaller memory limit it is killed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
main(int argc, char **argv)
{
	size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 64, i;
	char *p = malloc(mb << 20);

	if (!p) {
		perror("malloc");
		return 1;
	}
	for (i = 0; i < mb << 20; i += 4096)
		p[i] = 1;
	printf("allocated %zu\n", mb);
	return 0;
}
