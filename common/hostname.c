#include <string.h>

#include "hostname.h"

int
hostname_valid(const char *name)
{
	size_t len = strlen(name), label = 0;
	const char *p;

	if (len == 0 || len > 64)
		return 0;
	for (p = name; *p; p++) {
		char c = *p;
		if (c == '.') {
			if (label == 0 || p[-1] == '-')
				return 0;
			label = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || (c == '-' && label > 0)))
			return 0;
		if (++label > 63)
			return 0;
	}
	return p[-1] != '-' && p[-1] != '.';
}
