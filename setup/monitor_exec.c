#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "container.h"
#include "ctrstate.h"
#include "file.h"
#include "monitor_exec.h"

/* The program, linked in by monitor_elf.S. */
extern const char monitor_elf[];
extern const unsigned long monitor_elf_size;

char **mocker_argv;

int
monitor_exec(char *const env[])
{
	int fd;

	if ((fd = memfd_create("mocker", MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0)
		return -1;
	if (write_all(fd, monitor_elf, monitor_elf_size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
		goto fail;
	/* (a close-on-exec descriptor execs: the program is not a script) */
	syscall(SYS_execveat, fd, "", mocker_argv, env, AT_EMPTY_PATH);
fail:
	close_keep_errno(fd);
	return -1;
}

/* Makes fd (one of ours, close-on-exec) the monitor program's; its
 * number, as text in buf. */
static char *
keep(int fd, char *buf, size_t size)
{
	fcntl(fd, F_SETFD, 0);
	snprintf(buf, size, "%d", fd);
	return buf;
}

int
monitor_take_over(struct container *ct, pid_t pid)
{
	static char env[19][PATH_MAX + 32], dirs[16 + CGROUP_MAX_DIRS * PATH_MAX],
		nft[32 + sizeof ct->lease.nft_delete];
	const struct cgroup *cg = &ct->cg;
	char num[16], *envp[22];
	int n = 0, i, self, err;
	size_t len = 0;

	if ((self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	len = (size_t)snprintf(dirs, sizeof dirs, "MOCKER_CGROUP=");
	for (i = 0; i < cg->ndirs; i++)
		len += (size_t)snprintf(dirs + len, sizeof dirs - len, "%s\n", cg->dirs[i]);
#define ENV(...) snprintf(env[n++], sizeof env[0], __VA_ARGS__)
	ENV("MOCKER_MONITOR=run");
	ENV("MOCKER_PID=%d", (int)pid);
	ENV("MOCKER_OUT=%s", keep(ct->term.pipe_out[0], num, sizeof num));
	ENV("MOCKER_ERR=%s", keep(ct->term.pipe_err[0], num, sizeof num));
	ENV("MOCKER_DIR=%s", ct->ctr->dir);
	ENV("MOCKER_ROOT=%s", ctr_root());
	ENV("MOCKER_ID=%s", ct->ctr->id);
	ENV("MOCKER_SELF=%s", keep(self, num, sizeof num));
	ENV("MOCKER_STOP_TIMEOUT=%d", ct->c->stop_timeout);
	ENV("MOCKER_GUARD=%s", cg->guard_fd >= 0 ? keep(cg->guard_fd, num, sizeof num) : "-1");
	ENV("MOCKER_KILL_DIR=%s", cg->kill_dir);
	ENV("MOCKER_FREEZER_DIR=%s", cg->freezer_dir);
	ENV("MOCKER_MEMORY_DIR=%s", cg->memory_dir);
	ENV("MOCKER_MEMORY_V2=%d", cg->memory_v2);
	ENV("MOCKER_PASTA=%d", (int)ct->pasta);
	ENV("MOCKER_LEASE=%s", ct->lease.path);
	ENV("MOCKER_NFT=%s", ct->lease.nft);
#undef ENV
	for (i = 0; i < n; i++)
		envp[i] = env[i];
	envp[n++] = dirs;
	snprintf(nft, sizeof nft, "MOCKER_NFT_DELETE=%s", ct->lease.nft_delete);
	envp[n++] = nft;
	envp[n] = NULL;
	/* the log is the monitor program's to write: what is buffered, first */
	ctrlog_close(&ct->log);
	monitor_exec(envp);
	err = errno;
	/* as it was: the launcher goes on monitoring */
	fcntl(ct->term.pipe_out[0], F_SETFD, FD_CLOEXEC);
	fcntl(ct->term.pipe_err[0], F_SETFD, FD_CLOEXEC);
	if (cg->guard_fd >= 0)
		fcntl(cg->guard_fd, F_SETFD, FD_CLOEXEC);
	close_keep_errno(self);
	if (ctrlog_open(&ct->log, ct->ctr->dir) < 0)
		ct->log.fd = -1;
	errno = err;
	return -1;
}
