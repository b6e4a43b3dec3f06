/* gate_run.c -- run a hook command (publish --then, the XFR gate's reload) through /bin/sh,
 * keeping the first line of its output for the one-line log. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "gates/cli/gate.h"

int gate_hook_run(const char *cmd, char *out, size_t outlen)
{
	int p[2];
	out[0] = '\0';
	if (pipe(p) != 0) {
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		sigset_t none; /* the XFR gate blocks its signals outside ppoll: not the hook's */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);
		dup2(p[1], STDOUT_FILENO);
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		close(p[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	FILE *f = fdopen(p[0], "r");
	char line[256];
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		if (out[0] == '\0') {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, outlen, "%s", line);
		}
	}
	if (f != NULL) {
		fclose(f);
	} else {
		close(p[0]);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) < 0) {
		return -1;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

