/*
 * libFuzzer target for the guest configuration parser: the input is a
 * config file; when it contains a 0xff byte, the bytes after it are one
 * KEY=VAL command-line override. Every byte sequence must be rejected or
 * accepted cleanly (no crash, no leak, no sanitizer report).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sep = memchr(data, 0xff, size);
	size_t flen = sep ? (size_t)(sep - data) : size;
	char *ov = NULL;
	const char *ovs[1];
	unsigned nov = 0;
	struct domain_config dc;
	struct cfg_diag d = { 0 };

	if (sep) {
		size_t olen = size - flen - 1;
		ov = malloc(olen + 1);
		if (!ov)
			return 0;
		memcpy(ov, sep + 1, olen);
		ov[olen] = '\0';
		ovs[0] = ov;
		nov = 1;
	}
	domain_config_parse((const char *)data, flen, "fuzz.cfg", ovs, nov, &dc, &d);
	domain_config_free(&dc);
	cfg_diag_free(&d);
	free(ov);
	return 0;
}
