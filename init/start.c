/*
 * The process's start, in place of musl's __libc_start_main: what the init
 * needs of it is the environment and a thread pointer (errno lives in the
 * thread's descriptor). musl's also reads the auxiliary vector, copies a
 * TLS image, seeds the stack protector, checks descriptors 0-2 of setuid
 * programs and runs constructors: the init has none of those, and the
 * 1.4 KB they take are a twentieth of its budget. tests/check.sh makes
 * sure the init has no TLS segment, which this start would not set up.
 */
#include <unistd.h>

extern char **__environ;
int __init_tp(void *p); /* musl's: makes p the thread's descriptor */

int __libc_start_main(int (*main)(int, char **, char **), int argc, char **argv);

int __attribute__((used))
__libc_start_main(int (*main)(int, char **, char **), int argc, char **argv)
{
	/* struct pthread, with room to spare: musl's is under 256 bytes */
	static _Alignas(64) unsigned char self[1024];
	char **envp = argv + argc + 1;

	__environ = envp;
	if (__init_tp(self) < 0)
		_exit(127);
	_exit(main(argc, argv, envp));
}
