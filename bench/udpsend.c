// udpsend: send COUNT datagrams of SIZE bytes as fast as possible from ONE socket (dotcat benchmark helper).
//
//   udpsend HOST PORT COUNT SIZE [MAX_SECONDS] [PPS]
//
// One connected socket, so netcat-style UDP listeners (which lock on to their first peer) accept every datagram.
// Unpaced by default: every listener gets the same load, and what it fails to read in time the kernel drops.
// PPS > 0 paces the sender to that many datagrams per second instead (sleeping between bursts of 64).
// Prints: sent=N secs=S pps=R refused=N. Bounded by COUNT and by MAX_SECONDS (default 30).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: udpsend HOST PORT COUNT SIZE [MAX_SECONDS]\n");
        return 2;
    }
    long count = atol(argv[3]);
    int size = atoi(argv[4]);
    double max_secs = argc > 5 ? atof(argv[5]) : 30.0;
    double pps = argc > 6 ? atof(argv[6]) : 0.0;
    if (count < 1 || size < 1 || size > 65507) {
        fprintf(stderr, "udpsend: bad COUNT or SIZE\n");
        return 2;
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, argv[1], &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)atoi(argv[2]));
        len = sizeof *s4;
    } else if (inet_pton(AF_INET6, argv[1], &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)atoi(argv[2]));
        len = sizeof *s6;
    } else {
        fprintf(stderr, "udpsend: numeric address expected\n");
        return 2;
    }
    int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len) < 0) {
        perror("udpsend");
        return 1;
    }
    char *buf = malloc((size_t)size);
    if (!buf) return 1;
    memset(buf, 'u', (size_t)size);
    buf[size - 1] = '\n';
    double t0 = now(), deadline = t0 + max_secs;
    long sent = 0, refused = 0;
    for (long i = 0; i < count; i++) {
        // Seq number in the first bytes: handy when eyeballing a capture, costs nothing.
        memcpy(buf, &i, sizeof i < (size_t)size ? sizeof i : (size_t)size);
        if (send(fd, buf, (size_t)size, 0) == size) sent++;
        else if (errno == ECONNREFUSED) refused++; // an ICMP from an earlier datagram; keep going
        if ((i & 1023) == 0 && now() > deadline) break;
        if (pps > 0 && (i & 63) == 63) {
            double due = t0 + (double)(i + 1) / pps; // when datagram i+1 is due on a steady schedule
            double wait = due - now();
            if (wait > 0) {
                struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
                nanosleep(&ts, NULL);
            }
        }
    }
    double secs = now() - t0;
    printf("sent=%ld secs=%.3f pps=%.0f refused=%ld\n", sent, secs, (double)sent / secs, refused);
    return 0;
}
