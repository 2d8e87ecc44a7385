/*
 * escape PATH: the classic chroot escape, run as root inside a container:
 * mkdir x; chroot x (the cwd stays outside the new root); chdir ".." many
 * times; chroot ".". Then reports whether PATH (a host path that does not
 * exist in the container) is reachable: prints "escaped" and exits 0 if
 * it is, "contained" and exits 1 if not; 2 if a step failed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct stat st;
	int i;

	if (argc != 2) {
		fprintf(stderr, "usage: escape PATH\n");
		return 2;
	}
	if (mkdir("/tmp/escape-x", 0755) < 0 && errno != EEXIST) {
		perror("mkdir");
		return 2;
	}
	if (chdir("/tmp") < 0 || chroot("/tmp/escape-x") < 0) {
		perror("chroot");
		return 2;
	}
	for (i = 0; i < 256; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0) {
		perror("chroot .");
		return 2;
	}
	if (stat(argv[1], &st) == 0) {
		puts("escaped");
		return 0;
	}
	puts("contained");
	return 1;
}
