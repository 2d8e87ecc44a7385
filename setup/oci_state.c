#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ctrstate.h"
#include "file.h"
#include "log.h"
#include "oci_state.h"

const char *oci_root = OCI_ROOT_DEFAULT;

int
oci_id_valid(const char *id)
{
	size_t n = strlen(id);

	/* as runc: letters, digits and _ + - . ; not "." nor ".." */
	return n > 0 && n < 256 && strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                                  "0123456789_+-.") == n &&
	       strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

int
oci_state_make(struct oci_state *s, const char *id)
{
	if (mkdir(oci_root, 0700) < 0 && errno != EEXIST)
		return -1;
	snprintf(s->id, sizeof s->id, "%s", id);
	snprintf(s->dir, sizeof s->dir, "%s/%s", oci_root, id);
	return mkdir(s->dir, 0700);
}

int
oci_state_save(const struct oci_state *s)
{
	json_t *j = json_object(), *dirs = json_array();
	char tmp[PATH_MAX + 16], path[PATH_MAX + 16];
	int i, ret;

	json_object_set_new(j, "id", json_string(s->id));
	json_object_set_new(j, "pid", json_integer(s->pid));
	json_object_set_new(j, "pid_start", json_integer((json_int_t)s->pid_start));
	json_object_set_new(j, "bundle", json_string(s->bundle));
	json_object_set_new(j, "rootfs", json_string(s->rootfs));
	if (s->seccomp)
		json_object_set_new(j, "seccomp", json_string(s->seccomp));
	json_object_set_new(j, "created", json_integer(s->created));
	json_object_set_new(j, "inject_init", json_boolean(s->inject_init));
	json_object_set_new(j, "caller_mnt_ns", json_integer((json_int_t)s->caller_mnt_ns));
	if (s->annotations)
		json_object_set_new(j, "annotations", json_loads(s->annotations, 0, NULL));
	if (s->hooks)
		json_object_set_new(j, "hooks", json_loads(s->hooks, 0, NULL));
	for (i = 0; i < s->cg.ndirs; i++)
		json_array_append_new(dirs, json_pack("{s:s, s:i, s:i}", "dir", s->cg.dirs[i],
		                                      "made_from", s->cg.made_from[i],
		                                      "leaf", s->cg.leaf[i]));
	json_object_set_new(j, "cgroups", dirs);
	json_object_set_new(j, "kill_dir", json_string(s->cg.kill_dir));
	json_object_set_new(j, "freezer_dir", json_string(s->cg.freezer_dir));
	snprintf(tmp, sizeof tmp, "%s/state.tmp", s->dir);
	snprintf(path, sizeof path, "%s/state.json", s->dir);
	ret = json_dump_file(j, tmp, JSON_COMPACT);
	json_decref(j);
	if (ret < 0 || rename(tmp, path) < 0) {
		if (ret >= 0)
			unlink(tmp);
		return -1;
	}
	return 0;
}

static void
copy_str(char *dst, size_t size, json_t *v)
{
	snprintf(dst, size, "%s", json_is_string(v) ? json_string_value(v) : "");
}

/* Is the freezer of the container's cgroup frozen? */
static int
frozen(const struct oci_state *s)
{
	char buf[32];

	if (s->cg.kill_dir[0] && file_read(s->cg.kill_dir, "cgroup.freeze", buf, sizeof buf) > 0)
		return buf[0] == '1';
	return s->cg.freezer_dir[0] &&
	       file_read(s->cg.freezer_dir, "freezer.state", buf, sizeof buf) > 0 &&
	       strncmp(buf, "FROZEN", 6) == 0;
}

int
oci_state_load(struct oci_state *s, const char *id)
{
	char path[PATH_MAX + 16];
	json_t *j, *v;
	size_t i;

	memset(s, 0, sizeof *s);
	s->cg.v2fd = s->cg.guard_fd = -1;
	if (!oci_id_valid(id)) {
		errno = ENOENT;
		return -1;
	}
	snprintf(s->id, sizeof s->id, "%s", id);
	snprintf(s->dir, sizeof s->dir, "%s/%s", oci_root, id);
	snprintf(path, sizeof path, "%s/state.json", s->dir);
	if (!(j = json_load_file(path, 0, NULL))) {
		struct stat st;
		/* a create under way (or killed before it wrote any) */
		if (stat(s->dir, &st) == 0) {
			s->status = "creating";
			return 0;
		}
		errno = ENOENT;
		return -1;
	}
	s->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	s->pid_start = (unsigned long long)json_integer_value(json_object_get(j, "pid_start"));
	s->created = json_integer_value(json_object_get(j, "created"));
	s->inject_init = json_is_true(json_object_get(j, "inject_init"));
	s->caller_mnt_ns = (unsigned long long)json_integer_value(json_object_get(j, "caller_mnt_ns"));
	copy_str(s->bundle, sizeof s->bundle, json_object_get(j, "bundle"));
	copy_str(s->rootfs, sizeof s->rootfs, json_object_get(j, "rootfs"));
	if ((v = json_object_get(j, "seccomp")) && json_is_string(v))
		s->seccomp = strdup(json_string_value(v));
	if ((v = json_object_get(j, "annotations")))
		s->annotations = json_dumps(v, JSON_COMPACT);
	if ((v = json_object_get(j, "hooks")))
		s->hooks = json_dumps(v, JSON_COMPACT);
	v = json_object_get(j, "cgroups");
	for (i = 0; i < json_array_size(v) && i < CGROUP_MAX_DIRS; i++) {
		json_t *d = json_array_get(v, i);
		copy_str(s->cg.dirs[s->cg.ndirs], PATH_MAX, json_object_get(d, "dir"));
		s->cg.made_from[s->cg.ndirs] = (int)json_integer_value(json_object_get(d, "made_from"));
		s->cg.leaf[s->cg.ndirs++] = (int)json_integer_value(json_object_get(d, "leaf"));
	}
	copy_str(s->cg.kill_dir, sizeof s->cg.kill_dir, json_object_get(j, "kill_dir"));
	copy_str(s->cg.freezer_dir, sizeof s->cg.freezer_dir, json_object_get(j, "freezer_dir"));
	json_decref(j);

	snprintf(path, sizeof path, "%s/" OCI_FIFO, s->dir);
	if (!ctr_alive(s->pid, s->pid_start))
		s->status = "stopped";
	else if (access(path, F_OK) == 0)
		s->status = "created";
	else if (frozen(s))
		s->status = "paused";
	else
		s->status = "running";
	return 0;
}

void
oci_state_remove(const struct oci_state *s)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof path, "%s/" OCI_FIFO, s->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/state.json", s->dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/state.tmp", s->dir);
	unlink(path);
	rmdir(s->dir);
}

char *
oci_state_json(const struct oci_state *s, const char *status)
{
	json_t *j = json_object();
	char *out;

	json_object_set_new(j, "ociVersion", json_string(OCI_VERSION));
	json_object_set_new(j, "id", json_string(s->id));
	json_object_set_new(j, "status", json_string(status));
	json_object_set_new(j, "pid", json_integer(strcmp(status, "stopped") == 0 ? 0 : s->pid));
	json_object_set_new(j, "bundle", json_string(s->bundle));
	json_object_set_new(j, "annotations", s->annotations ?
	                    json_loads(s->annotations, 0, NULL) : json_object());
	out = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	return out;
}

/* One hook: its stdin the state; killed at its timeout. The exit status. */
static int
run_hook(const struct oci_hook *h, const char *state, char *why, size_t size)
{
	static char *const none[] = { NULL };
	char *argv0[] = { (char *)h->path, NULL };
	int in[2], status = 0, n;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return -1;
	if ((pid = fork()) < 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t all;
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		dup2(in[0], 0);
		execve(h->path, h->args && h->args[0] ? h->args : argv0,
		       h->env ? h->env : none);
		_exit(127);
	}
	close(in[0]);
	/* the state fits in the pipe: a hook that does not read it is fine */
	signal(SIGPIPE, SIG_IGN);
	if (write_all(in[1], state, strlen(state)) < 0) {
		/* it did not want it */
	}
	close(in[1]);
	for (n = 0;; n++) {
		pid_t r = waitpid(pid, &status, h->timeout ? WNOHANG : 0);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (h->timeout && n >= h->timeout * 100) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(why, size, "hook %s: timed out after %d s", h->path, h->timeout);
			return -1;
		}
		if (h->timeout)
			poll(NULL, 0, 10);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(why, size, "hook %s: exit status %d", h->path, WEXITSTATUS(status));
	else
		snprintf(why, size, "hook %s: killed by signal %d", h->path, WTERMSIG(status));
	return -1;
}

int
oci_hooks_run(const struct oci_hook *hooks, int n, const char *state, char *why, size_t size)
{
	int i;

	for (i = 0; i < n; i++)
		if (run_hook(&hooks[i], state, why, size) < 0) {
			if (!*why)
				snprintf(why, size, "hook %s: %s", hooks[i].path, strerror(errno));
			return -1;
		}
	return 0;
}

void
oci_hooks_warn(const struct oci_hook *hooks, int n, const char *kind, const char *state)
{
	char why[512];
	int i;

	for (i = 0; i < n; i++) {
		why[0] = 0;
		if (run_hook(&hooks[i], state, why, sizeof why) < 0)
			warnx_("%s: %s", kind, *why ? why : strerror(errno));
	}
}
