/* mocker pull, images, rmi, image prune: the store's commands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image_cmds.h"
#include "image_pull.h"
#include "log.h"
#include "store.h"

static const char pull_usage[] =
	"usage: mocker pull [-q] [--tls-verify=false] [--creds USER[:PASS]] [--authfile FILE] REF";

int
cmd_pull(int argc, char **argv)
{
	static const struct option o[] = {
		{ "quiet", no_argument, NULL, 'q' }, { "tls-verify", optional_argument, NULL, 't' },
		{ "creds", required_argument, NULL, 'c' }, { "authfile", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	static struct image image;
	struct pull_opts po = { .tls_verify = 1 };
	struct image *img = &image;
	char ref[400], why[1024];
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:qh", o, NULL)) != -1) {
		switch (opt) {
		case 'q': po.quiet = 1; break;
		case 't':
			if (optarg && strcmp(optarg, "true") != 0 && strcmp(optarg, "false") != 0)
				die(EXIT_SETUP, "pull: --tls-verify '%s': expected true or false", optarg);
			po.tls_verify = !optarg || strcmp(optarg, "true") == 0;
			break;
		case 'c': po.creds = optarg; break;
		case 'a': po.authfile = optarg; break;
		case 'h': puts(pull_usage); return 0;
		case ':': die(EXIT_SETUP, "pull: option '%s' needs a value", argv[optind - 1]);
		default: die(EXIT_SETUP, "pull: unknown option '%s' (%s)", argv[optind - 1], pull_usage);
		}
	}
	if (optind + 1 != argc)
		die(EXIT_SETUP, "pull: expected one image reference (%s)", pull_usage);
	/* a name alone is a registry's, as podman pull takes it */
	snprintf(ref, sizeof ref, "%s%s", image_is_transport(argv[optind]) ? "" : "docker://",
	         argv[optind]);
	if (image_pull(ref, &po, img, why, sizeof why) < 0)
		die(EXIT_SETUP, "pull: %s: %s", argv[optind], why);
	printf("%s\n", img->id);
	return fflush(stdout) == 0 ? 0 : 1;
}

struct listing {
	int quiet, no_trunc;
};

static void
human_size(uint64_t b, char *out, size_t size)
{
	if (b >= 1000000000)
		snprintf(out, size, "%.2f GB", (double)b / 1e9);
	else if (b >= 1000000)
		snprintf(out, size, "%.1f MB", (double)b / 1e6);
	else if (b >= 1000)
		snprintf(out, size, "%.1f kB", (double)b / 1e3);
	else
		snprintf(out, size, "%llu B", (unsigned long long)b);
}

static void
human_age(time_t t, char *out, size_t size)
{
	long long s = (long long)(time(NULL) - t);

	if (t <= 0)
		snprintf(out, size, "unknown");
	else if (s < 60)
		snprintf(out, size, "%lld seconds ago", s < 0 ? 0 : s);
	else if (s < 3600)
		snprintf(out, size, "%lld minutes ago", s / 60);
	else if (s < 86400)
		snprintf(out, size, "%lld hours ago", s / 3600);
	else if (s < 86400LL * 365 * 2)
		snprintf(out, size, "%lld days ago", s / 86400);
	else
		snprintf(out, size, "%lld years ago", s / (86400LL * 365));
}

static void
one_row(const struct image *img, const char *name, const struct listing *l)
{
	char repo[300], size[32], age[32];
	const char *tag = "<none>", *slash, *colon;

	snprintf(repo, sizeof repo, "%s", name[0] ? name : "<none>");
	slash = strrchr(repo, '/');
	if (name[0] && (colon = strrchr(slash ? slash : repo, ':'))) {
		repo[colon - repo] = 0;
		tag = name + (colon - repo) + 1;
	}
	human_size(image_size(img), size, sizeof size);
	human_age(img->created, age, sizeof age);
	printf("%-40s %-12s %-*.*s %-16s %s\n", repo, tag, l->no_trunc ? 64 : 12,
	       l->no_trunc ? 64 : 12, img->id, age, size);
}

static int
list_one(const struct image *img, const char *names, void *ctx)
{
	const struct listing *l = ctx;
	char list[2048], *name, *save = NULL;

	if (l->quiet) {
		printf("%.*s\n", l->no_trunc ? 64 : 12, img->id);
		return 0;
	}
	if (!names[0]) {
		one_row(img, "", l);
		return 0;
	}
	snprintf(list, sizeof list, "%s", names);
	for (name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save))
		one_row(img, name, l);
	return 0;
}

int
cmd_images(int argc, char **argv)
{
	struct listing l = { 0 };
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
			l.quiet = 1;
		else if (strcmp(argv[i], "--no-trunc") == 0)
			l.no_trunc = 1;
		else
			die(EXIT_SETUP, "images: unknown argument '%s' (usage: mocker images [-q] "
			    "[--no-trunc])", argv[i]);
	}
	if (!store_dir())
		die_errno(EXIT_SETUP, "images: the image store %s", store_name());
	if (!l.quiet)
		printf("%-40s %-12s %-*s %-16s %s\n", "REPOSITORY", "TAG", l.no_trunc ? 64 : 12,
		       "IMAGE ID", "CREATED", "SIZE");
	if (image_each(list_one, &l) < 0)
		die_errno(EXIT_SETUP, "images: cannot read %s", store_name());
	return fflush(stdout) == 0 ? 0 : 1;
}

int
cmd_rmi(int argc, char **argv)
{
	char why[1024];
	int i, r, status = 0;

	if (argc < 2)
		die(EXIT_SETUP, "rmi: expected an image (usage: mocker rmi NAME|ID...)");
	for (i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			die(EXIT_SETUP, "rmi: unknown option '%s' (usage: mocker rmi NAME|ID...)",
			    argv[i]);
	for (i = 1; i < argc; i++) {
		if ((r = image_remove(argv[i], 0, why, sizeof why)) != 0) {
			report("rmi: %s", why);
			status = 1;
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return fflush(stdout) == 0 ? status : 1;
}

int
cmd_image(int argc, char **argv)
{
	unsigned count;
	uint64_t bytes;
	char size[32];
	int i, all = 0;

	if (argc >= 2 && (strcmp(argv[1], "ls") == 0 || strcmp(argv[1], "list") == 0))
		return cmd_images(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "rm") == 0)
		return cmd_rmi(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "pull") == 0)
		return cmd_pull(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "prune") != 0)
		die(EXIT_SETUP, "image: expected ls, rm, pull or prune (usage: mocker image prune "
		    "[-a])");
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "-a") == 0 || strcmp(argv[i], "--all") == 0)
			all = 1;
		else if (strcmp(argv[i], "-f") != 0 && strcmp(argv[i], "--force") != 0)
			die(EXIT_SETUP, "image prune: unknown argument '%s' (usage: mocker image "
			    "prune [-a])", argv[i]);
	}
	if (image_prune(all, &count, &bytes) < 0)
		die_errno(EXIT_SETUP, "image prune: the image store %s", store_name());
	human_size(bytes, size, sizeof size);
	printf("removed %u image%s, %s freed\n", count, count == 1 ? "" : "s", size);
	return fflush(stdout) == 0 ? 0 : 1;
}
