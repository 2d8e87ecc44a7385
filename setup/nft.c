#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"
#include "nft.h"

int
nft_run(const char *nft, const char *script, char *msg, size_t size)
{
	int in[2], err = memfd_create("nft", MFD_CLOEXEC), status = 0;
	sigset_t none;
	ssize_t n;
	pid_t pid;

	msg[0] = 0;
	if (err < 0 || pipe2(in, O_CLOEXEC) < 0) {
		snprintf(msg, size, "%s", strerror(errno));
		if (err >= 0)
			close(err);
		return -1;
	}
	if ((pid = fork()) == 0) {
		dup2(in[0], 0);
		dup2(err, 1);
		dup2(err, 2);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execlp(nft, nft, "-f", "-", (char *)NULL);
		dprintf(2, "%s: %s (Debian package nftables)\n", nft, strerror(errno));
		_exit(127);
	}
	close(in[0]);
	if (pid > 0)
		write_all(in[1], script, strlen(script));
	close(in[1]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		close(err);
		return 0;
	}
	n = pread(err, msg, size - 1, 0);
	msg[n > 0 ? n : 0] = 0;
	msg[strcspn(msg, "\n")] = 0;
	if (!msg[0])
		snprintf(msg, size, "%s", pid < 0 ? strerror(errno) : "nft failed");
	close(err);
	return -1;
}

const char *
nft_path(void)
{
	return access("/usr/sbin/nft", X_OK) == 0 ? "/usr/sbin/nft" :
	       access("/sbin/nft", X_OK) == 0 ? "/sbin/nft" : "nft";
}
