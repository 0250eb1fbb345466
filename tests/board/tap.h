/* Tiny TAP helpers for the board unit tests. */
#ifndef DOMUS_TESTS_BOARD_TAP_H
#define DOMUS_TESTS_BOARD_TAP_H
#include <stdio.h>

static int tap_failed;
#define CHECK(cond, ...)                                                   \
	do {                                                               \
		int ok_ = !!(cond);                                        \
		if (ok_) {                                                 \
			printf("ok - ");                                   \
		} else {                                                   \
			printf("not ok - ");                               \
			tap_failed = 1;                                    \
		}                                                          \
		printf(__VA_ARGS__);                                       \
		printf("%s\n", ok_ ? "" : "  [" #cond "]");               \
	} while (0)
#endif
