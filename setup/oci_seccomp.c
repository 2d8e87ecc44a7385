#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "oci_seccomp.h"
#include "seccomp_filter.h"

const char *oci_seccomp_error = "";

static char msg[256];

static __attribute__((format(printf, 1, 2))) int
fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	oci_seccomp_error = msg;
	return -1;
}

/* "SCMP_ACT_ERRNO" with its errnoRet (EPERM by default); 0 if unknown. */
static int
action(json_t *v, json_t *ret, uint32_t *out)
{
	const char *a = json_is_string(v) ? json_string_value(v) : "";
	int err = json_is_integer(ret) ? (int)json_integer_value(ret) : EPERM;

	if (strcmp(a, "SCMP_ACT_ALLOW") == 0)
		*out = SCMP_ACT_ALLOW;
	else if (strcmp(a, "SCMP_ACT_ERRNO") == 0)
		*out = SCMP_ACT_ERRNO((uint32_t)err);
	else if (strcmp(a, "SCMP_ACT_KILL") == 0 || strcmp(a, "SCMP_ACT_KILL_THREAD") == 0)
		*out = SCMP_ACT_KILL_THREAD;
	else if (strcmp(a, "SCMP_ACT_KILL_PROCESS") == 0)
		*out = SCMP_ACT_KILL_PROCESS;
	else if (strcmp(a, "SCMP_ACT_TRAP") == 0)
		*out = SCMP_ACT_TRAP;
	else if (strcmp(a, "SCMP_ACT_TRACE") == 0)
		*out = SCMP_ACT_TRACE((uint32_t)err);
	else if (strcmp(a, "SCMP_ACT_LOG") == 0)
		*out = SCMP_ACT_LOG;
	else
		return fail("unknown action '%s'", a) + 1;
	return 1;
}

static int
operator(const char *op, enum scmp_compare *out)
{
	static const struct { const char *name; enum scmp_compare op; } ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	size_t i;

	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (strcmp(op, ops[i].name) == 0) {
			*out = ops[i].op;
			return 0;
		}
	return fail("unknown operator '%s'", op);
}

static int
add_rule(scmp_filter_ctx ctx, json_t *rule)
{
	struct scmp_arg_cmp cmp[6];
	json_t *names = json_object_get(rule, "names"), *args = json_object_get(rule, "args");
	const char *key;
	json_t *v;
	uint32_t act;
	size_t i, n = 0;

	json_object_foreach(rule, key, v)
		if (strcmp(key, "names") != 0 && strcmp(key, "action") != 0 &&
		    strcmp(key, "errnoRet") != 0 && strcmp(key, "args") != 0 &&
		    strcmp(key, "comment") != 0 && strcmp(key, "includes") != 0 &&
		    strcmp(key, "excludes") != 0)
			return fail("syscalls[].%s: not supported by mocker", key);
	if (!action(json_object_get(rule, "action"), json_object_get(rule, "errnoRet"), &act))
		return -1;
	if (json_array_size(args) > 6)
		return fail("%s: more than 6 arguments", "syscalls[].args");
	for (i = 0; i < json_array_size(args); i++) {
		json_t *a = json_array_get(args, i);
		enum scmp_compare op = SCMP_CMP_EQ;
		json_t *op_v = json_object_get(a, "op");
		if (operator(json_is_string(op_v) ? json_string_value(op_v) : "", &op) < 0)
			return -1;
		cmp[n].arg = (unsigned)json_integer_value(json_object_get(a, "index"));
		cmp[n].op = op;
		cmp[n].datum_a = (scmp_datum_t)json_integer_value(json_object_get(a, "value"));
		cmp[n].datum_b = (scmp_datum_t)json_integer_value(json_object_get(a, "valueTwo"));
		n++;
	}
	for (i = 0; i < json_array_size(names); i++) {
		const char *name = json_string_value(json_array_get(names, i));
		int nr = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
		int r;
		if (nr == __NR_SCMP_ERROR)
			continue; /* a system call this kernel's tables lack, as runc */
		r = seccomp_rule_add_array(ctx, act, nr, (unsigned)n, cmp);
		/* a rule that is the default action: libseccomp refuses it */
		if (r < 0 && r != -EACCES && r != -EEXIST)
			return fail("cannot add a rule for %s", name);
	}
	return 0;
}

int
oci_seccomp_build(const char *text, struct sock_fprog *prog)
{
	json_t *j = json_loads(text, 0, NULL), *rules, *v;
	scmp_filter_ctx ctx;
	const char *key;
	uint32_t def;
	size_t i;

	if (!j)
		return fail("%s", "not JSON");
	json_object_foreach(j, key, v)
		if (strcmp(key, "defaultAction") != 0 && strcmp(key, "defaultErrnoRet") != 0 &&
		    strcmp(key, "architectures") != 0 && strcmp(key, "syscalls") != 0 &&
		    strcmp(key, "flags") != 0)
			return fail("%s: not supported by mocker", key);
	if (json_array_size(json_object_get(j, "flags")))
		return fail("%s: not supported yet", "flags");
	if (!action(json_object_get(j, "defaultAction"), json_object_get(j, "defaultErrnoRet"),
	            &def))
		return -1;
	if (!(ctx = seccomp_init(def)))
		return fail("%s", "libseccomp cannot start a filter");
	/* no_new_privs stays as process.noNewPrivileges says */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	v = json_object_get(j, "architectures");
	for (i = 0; i < json_array_size(v); i++) {
		const char *arch = json_string_value(json_array_get(v, i));
		uint32_t a = arch && strncmp(arch, "SCMP_ARCH_", 10) == 0 ?
		             seccomp_arch_resolve_name(arch + 10) : 0;
		char lower[32];
		size_t k;
		if (!a && arch && strlen(arch) < sizeof lower + 10) {
			for (k = 0; arch[10 + k] && k < sizeof lower - 1; k++)
				lower[k] = (char)tolower((unsigned char)arch[10 + k]);
			lower[k] = 0;
			a = seccomp_arch_resolve_name(lower);
		}
		if (!a) {
			seccomp_release(ctx);
			return fail("unknown architecture '%s'", arch ? arch : "");
		}
		if (seccomp_arch_add(ctx, a) < 0 && errno != EEXIST) {
			/* EEXIST: the native one, always there */
		}
	}
	rules = json_object_get(j, "syscalls");
	for (i = 0; i < json_array_size(rules); i++)
		if (add_rule(ctx, json_array_get(rules, i)) < 0) {
			seccomp_release(ctx);
			return -1;
		}
	json_decref(j);
	if (seccomp_filter_export(ctx, prog) < 0)
		return fail("cannot compile the filter: %s", strerror(errno));
	return 0;
}
