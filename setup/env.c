#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

static int oom;

static size_t
key_len(const char *kv)
{
	const char *eq = strchr(kv, '=');

	return eq ? (size_t)(eq - kv) : strlen(kv);
}

/* Sets KEY=VALUE in env (n entries), replacing an entry with the same key.
 * kv NULL (out of memory) is remembered: env_build fails. */
static void
env_put(char **env, int *n, char *kv)
{
	size_t k;
	int i;

	if (!kv) {
		oom = 1;
		return;
	}
	k = key_len(kv);
	for (i = 0; i < *n; i++)
		if (key_len(env[i]) == k && strncmp(env[i], kv, k) == 0) {
			env[i] = kv;
			return;
		}
	env[(*n)++] = kv;
}

static char *
kv(const char *key, const char *value)
{
	size_t n = strlen(key) + strlen(value) + 2;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s=%s", key, value);
	return s;
}

char **
env_build(const struct container *ct)
{
	const struct config *c = ct->c;
	char **env = calloc((size_t)c->nenv + 8, sizeof *env);
	const char *term = getenv("TERM");
	char num[16];
	int n = 0, i;

	if (!env)
		return NULL;
	if (c->oci) { /* process.env, exactly */
		for (i = 0; i < c->nenv; i++)
			env_put(env, &n, (char *)c->env[i]);
		return env;
	}
	env_put(env, &n, kv("PATH", DEFAULT_PATH));
	env_put(env, &n, kv("HOME", ct->creds.home[0] ? ct->creds.home : "/"));
	env_put(env, &n, kv("TERM", term && *term ? term : "xterm"));
	env_put(env, &n, kv("HOSTNAME", ct->hostname));
	if (ct->listen_fds > 0) {
		/* PID 1 inside is who the sockets are for now; mocker-init hands
		 * them on to its payload. */
		snprintf(num, sizeof num, "%d", ct->listen_fds);
		env_put(env, &n, kv("LISTEN_FDS", num));
		env_put(env, &n, kv("LISTEN_PID", "1"));
		if (getenv("LISTEN_FDNAMES"))
			env_put(env, &n, kv("LISTEN_FDNAMES", getenv("LISTEN_FDNAMES")));
	}
	for (i = 0; i < c->nenv; i++) {
		const char *e = c->env[i];
		if (strchr(e, '=')) {
			env_put(env, &n, (char *)e);
		} else if (getenv(e)) {
			env_put(env, &n, kv(e, getenv(e)));
		}
	}
	if (oom)
		return NULL;
	env[n] = NULL;
	return env;
}
