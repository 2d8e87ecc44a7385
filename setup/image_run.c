/* `mocker run IMAGE`: which image ROOTFS names, made ready in the store,
 * and its configuration taken into the run's as Docker does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "image_pull.h"
#include "image_run.h"
#include "log.h"
#include "option_values.h"
#include "publish.h"
#include "store.h"

static const char forms[] =
	"a root filesystem directory, oci:DIR[:TAG], oci-archive:FILE[:TAG], "
	"docker-archive:FILE, docker://HOST/NAME:TAG, or an image of the store (mocker images)";

static int run_lock = -1;

static int
layers_missing(const struct image *img)
{
	char path[4200];
	struct stat st;
	int i;

	for (i = 0; i < img->nlayers; i++) {
		snprintf(path, sizeof path, "%s/layers/%s/size", store_dir(), img->layers[i]);
		if (stat(path, &st) < 0)
			return 1;
	}
	return 0;
}

/* Entrypoint and Cmd, --entrypoint and COMMAND, as Docker joins them */
static void
take_command(struct config *c, const struct image *img)
{
	char *const *cmd = c->cmd ? c->cmd : c->entrypoint ? NULL : img->cmd;
	char *const *entry = c->entrypoint ? NULL : img->entrypoint;
	static char *argv[2 * IMAGE_MAX_WORDS + 4096];
	size_t n = 0, max = sizeof argv / sizeof argv[0] - 1;

	if (c->entrypoint && *c->entrypoint)
		argv[n++] = (char *)c->entrypoint;
	for (; entry && *entry && n < max; entry++)
		argv[n++] = *entry;
	for (; cmd && *cmd && n < max; cmd++)
		argv[n++] = *cmd;
	argv[n] = NULL;
	if (!n)
		die(EXIT_SETUP, "image %s has no Entrypoint or Cmd: give a command", img->name);
	c->argv = argv;
}

/* The image's Env first: -e and --env-file replace what they name */
static void
take_env(struct config *c, const struct image *img)
{
	const char *given[MAX_ENV];
	int n = c->nenv, i;

	memcpy(given, c->env, (size_t)n * sizeof *given);
	c->nenv = 0;
	for (i = 0; img->env[i]; i++)
		if (strchr(img->env[i], '=') && img->env[i][0] != '=')
			opt_env(c, "the image's Env", img->env[i]);
	for (i = 0; i < n; i++)
		opt_env(c, "--env", given[i]);
}

void
image_apply(struct config *c, const struct image *img, int exec)
{
	int i;

	take_env(c, img);
	if (!c->workdir && img->workdir && img->workdir[0] == '/')
		c->workdir = img->workdir;
	if (!c->user && img->user && img->user[0])
		c->user = img->user;
	if (exec)
		return;
	take_command(c, img);
	if (!c->stop_signal_given && img->stop_signal && img->stop_signal[0])
		c->stop_signal = opt_signal("the image's StopSignal", img->stop_signal);
	for (i = 0; c->publish_all && img->exposed[i] && i < IMAGE_MAX_WORDS; i++) {
		static char specs[IMAGE_MAX_WORDS][32];
		char *spec = specs[i];
		size_t k;
		snprintf(spec, sizeof specs[i], "%s", img->exposed[i]);
		/* PORT[/tcp|/udp] only: an image does not choose the host's side
		 * ("127.0.0.1:2222:22" is not a port) */
		k = strspn(spec, "0123456789");
		if (k == 0 || k > 5 || (spec[k] && strcmp(spec + k, "/tcp") != 0 &&
		                        strcmp(spec + k, "/udp") != 0)) {
			warnx_("-P: the image's ExposedPorts '%s' is not PORT[/tcp|/udp]: left out",
			       img->exposed[i]);
			continue;
		}
		k = strlen(spec);
		if (k > 4 && strcmp(spec + k - 4, "/tcp") == 0)
			spec[k - 4] = 0; /* (tcp is -p's default) */
		if (c->net_given && c->net != NET_PRIVATE)
			die(EXIT_SETUP, "-P: publishing the image's ports needs --net private");
		opt_publish(c, spec);
		c->net = NET_PRIVATE;
	}
}

int
image_for_run(struct config *c, struct image *img, int quiet)
{
	struct pull_opts o = { .tls_verify = c->tls_verify, .creds = c->creds,
	                       .authfile = c->authfile, .quiet = quiet };
	const char *ref = c->rootfs;
	char why[1024];
	struct stat st;
	int r;

	if (image_is_transport(ref)) {
		char name[300];
		/* a registry's image is pulled when missing; an archive or a
		 * layout is read again (its blobs are not copied twice) */
		if (strncmp(ref, "docker://", 9) == 0 &&
		    image_store_name(ref, name, sizeof name, why, sizeof why) == 0 &&
		    image_find(name, img, why, sizeof why) == 0 && !layers_missing(img))
			goto found;
		if (image_pull(ref, &o, img, why, sizeof why) < 0)
			die(EXIT_SETUP, "%s: %s", ref, why);
		goto found;
	}
	if (stat(ref, &st) == 0) {
		char layout[4200];
		if (!S_ISDIR(st.st_mode))
			die(EXIT_SETUP, "'%s': a file, not a root filesystem directory; an image "
			    "archive is run as oci-archive:%s or docker-archive:%s", ref, ref, ref);
		snprintf(layout, sizeof layout, "%s/oci-layout", ref);
		if (stat(layout, &st) == 0) {
			snprintf(layout, sizeof layout, "%s/etc", ref);
			if (stat(layout, &st) < 0)
				die(EXIT_SETUP, "'%s': an OCI image layout, not a root filesystem: run "
				    "it as oci:%s", ref, ref);
		}
		return 0;
	}
	if (errno != ENOENT || strchr(ref, '/') == ref || strncmp(ref, "./", 2) == 0 ||
	    strncmp(ref, "../", 3) == 0 || !store_dir())
		die(EXIT_SETUP, "'%s': %s; expected %s", ref, strerror(errno), forms);
	if ((r = image_find(ref, img, why, sizeof why)) < 0)
		die(EXIT_SETUP, "'%s': %s", ref, why);
	if (r > 0)
		die(EXIT_SETUP, "'%s': no such directory, and no image of that name in %s; "
		    "expected %s", ref, store_name(), forms);
found:
	if (layers_missing(img)) {
		int lock = store_lock(LOCK_SH); /* (as a pull's: image_pull.h) */
		r = image_unpack(img, quiet, why, sizeof why);
		store_unlock(lock);
		if (r < 0)
			die(EXIT_SETUP, "%s: %s", ref, why);
	}
	/* held until the container's directory in the store says it uses
	 * the image: rmi and prune wait */
	run_lock = store_lock(LOCK_SH);
	if (layers_missing(img))
		die(EXIT_SETUP, "%s: its layers were removed meanwhile (mocker rmi?): run it again",
		    ref);
	image_apply(c, img, 0);
	return 1;
}

void
image_run_recorded(void)
{
	store_unlock(run_lock);
	run_lock = -1;
}
