// echoload: a single-threaded epoll load generator for TCP echo servers (dotcat benchmark helper).
//
//   echoload HOST PORT CONNS SECONDS [MAX_ROUNDTRIPS] [MSG_SIZE]
//       Opens CONNS connections; each one sends MSG_SIZE (64) bytes, waits until the same number of bytes
//       came back, records the round-trip latency and repeats. Runs for a 0.5 s warm-up (not counted), then
//       SECONDS or MAX_ROUNDTRIPS round trips, whichever comes first. Prints one line:
//       conns=N ok=N rt=N secs=S rps=R p50_us=A p99_us=B errors=E
//   echoload -i HOST PORT CONNS HOLD_SECONDS
//       Idle mode: opens CONNS connections, does one 64-byte round trip on each (so the server has really
//       accepted and set up every one), prints "held N" and keeps them open for HOLD_SECONDS (or until
//       killed), for measuring a server's memory per idle connection.
//
// Every loop is bounded by a count and by the clock. Latencies go into a 1 µs histogram (up to 1 s), so
// percentiles cost no memory per sample.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define HIST_MAX 1000000 // µs; anything slower lands in the last bucket
#define MAX_CONNS 20000

static uint32_t hist[HIST_MAX + 1];

struct conn {
    int fd;
    int got;          // bytes of the current reply received so far
    uint64_t sent_ns; // when the current message was sent
    int dead;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int connect_one(const struct sockaddr_storage *sa, socklen_t salen) {
    int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    // A blocking connect with a send timeout: connect() honours SO_SNDTIMEO on Linux, so a server that never
    // accepts cannot stall us for the kernel's two-minute SYN retry budget.
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (const struct sockaddr *)sa, salen) < 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// One blocking round trip, used by idle mode to make sure the server serves the connection.
static int roundtrip_blocking(int fd, const char *msg, int size) {
    char buf[4096];
    if (send(fd, msg, (size_t)size, MSG_NOSIGNAL) != size) return -1;
    int got = 0;
    while (got < size) { // bounded: each recv waits at most SO_RCVTIMEO and returns >0 bytes or fails
        ssize_t n = recv(fd, buf, (size_t)(size - got), 0);
        if (n <= 0) return -1;
        got += (int)n;
    }
    return 0;
}

static int parse_addr(const char *host, const char *port, struct sockaddr_storage *sa, socklen_t *len) {
    memset(sa, 0, sizeof *sa);
    int p = atoi(port);
    struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;
    if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
        s4->sin_family = AF_INET;
        s4->sin_port = htons((uint16_t)p);
        *len = sizeof *s4;
        return 0;
    }
    if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons((uint16_t)p);
        *len = sizeof *s6;
        return 0;
    }
    return -1;
}

static int idle_mode(const struct sockaddr_storage *sa, socklen_t salen, int nconns, double hold) {
    static char msg[64];
    memset(msg, 'i', sizeof msg);
    int ok = 0;
    int *fds = calloc((size_t)nconns, sizeof *fds);
    if (!fds) return 1;
    for (int i = 0; i < nconns; i++) {
        fds[i] = connect_one(sa, salen);
        if (fds[i] >= 0 && roundtrip_blocking(fds[i], msg, (int)sizeof msg) == 0) ok++;
    }
    printf("held %d\n", ok);
    fflush(stdout);
    uint64_t end = now_ns() + (uint64_t)(hold * 1e9);
    while (now_ns() < end) usleep(50000); // bounded by HOLD_SECONDS
    return ok == nconns ? 0 : 1;
}

int main(int argc, char **argv) {
    int idle = argc > 1 && strcmp(argv[1], "-i") == 0;
    if (idle) { argv++; argc--; }
    if (argc < 5) {
        fprintf(stderr, "usage: echoload [-i] HOST PORT CONNS SECONDS [MAX_ROUNDTRIPS] [MSG_SIZE]\n");
        return 2;
    }
    struct sockaddr_storage sa;
    socklen_t salen;
    if (parse_addr(argv[1], argv[2], &sa, &salen) < 0) {
        fprintf(stderr, "echoload: numeric address expected: %s\n", argv[1]);
        return 2;
    }
    int nconns = atoi(argv[3]);
    double secs = atof(argv[4]);
    if (nconns < 1 || nconns > MAX_CONNS || secs <= 0 || secs > 600) {
        fprintf(stderr, "echoload: CONNS must be 1..%d and SECONDS 0..600\n", MAX_CONNS);
        return 2;
    }
    if (idle) return idle_mode(&sa, salen, nconns, secs);

    uint64_t max_rt = argc > 5 ? strtoull(argv[5], NULL, 10) : 50000000ull;
    int size = argc > 6 ? atoi(argv[6]) : 64;
    if (size < 1 || size > 4096) size = 64;
    char msg[4096], buf[4096];
    memset(msg, 'e', sizeof msg);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct conn *c = calloc((size_t)nconns, sizeof *c);
    if (ep < 0 || !c) return 1;
    int alive = 0;
    uint64_t errors = 0;
    for (int i = 0; i < nconns; i++) {
        c[i].fd = connect_one(&sa, salen);
        if (c[i].fd < 0) { c[i].dead = 1; errors++; continue; }
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        epoll_ctl(ep, EPOLL_CTL_ADD, c[i].fd, &ev);
        alive++;
    }
    const uint64_t t_start = now_ns();
    const uint64_t t_measure = t_start + 500000000ull; // 0.5 s warm-up
    const uint64_t t_end = t_measure + (uint64_t)(secs * 1e9);
    for (int i = 0; i < nconns; i++) {
        if (c[i].dead) continue;
        c[i].sent_ns = now_ns();
        if (send(c[i].fd, msg, (size_t)size, MSG_NOSIGNAL) != size) { c[i].dead = 1; errors++; alive--; close(c[i].fd); }
    }

    uint64_t rt = 0;
    uint64_t last_done = t_measure;
    struct epoll_event evs[256];
    // Bounded by the clock (t_end), by MAX_ROUNDTRIPS and by the connections staying alive.
    while (alive > 0 && rt < max_rt) {
        uint64_t t = now_ns();
        if (t >= t_end) break;
        int n = epoll_wait(ep, evs, 256, 100);
        if (n < 0 && errno != EINTR) break;
        for (int k = 0; k < n; k++) {
            struct conn *x = &c[evs[k].data.u32];
            if (x->dead) continue;
            ssize_t r = recv(x->fd, buf, (size_t)(size - x->got), 0);
            if (r <= 0) {
                if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                x->dead = 1; errors++; alive--;
                epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
                close(x->fd);
                continue;
            }
            x->got += (int)r;
            if (x->got < size) continue;
            uint64_t done = now_ns();
            x->got = 0;
            if (done >= t_measure) {
                uint64_t us = (done - x->sent_ns) / 1000;
                hist[us > HIST_MAX ? HIST_MAX : us]++;
                rt++;
                last_done = done;
            }
            if (done >= t_end) continue; // stop feeding this one; the loop ends at the next clock check
            x->sent_ns = done;
            if (send(x->fd, msg, (size_t)size, MSG_NOSIGNAL) != size) {
                x->dead = 1; errors++; alive--;
                epoll_ctl(ep, EPOLL_CTL_DEL, x->fd, NULL);
                close(x->fd);
            }
        }
    }
    double elapsed = (double)((last_done > t_measure ? last_done : now_ns()) - t_measure) / 1e9;
    if (elapsed <= 0) elapsed = 1e-9;
    uint64_t p50 = 0, p99 = 0, acc = 0;
    int have50 = 0;
    for (int i = 0; i <= HIST_MAX && rt > 0; i++) {
        acc += hist[i];
        if (!have50 && acc * 2 >= rt) { p50 = (uint64_t)i; have50 = 1; }
        if (acc * 100 >= rt * 99) { p99 = (uint64_t)i; break; }
    }
    int ok = 0;
    for (int i = 0; i < nconns; i++) if (!c[i].dead) { ok++; close(c[i].fd); }
    printf("conns=%d ok=%d rt=%llu secs=%.3f rps=%.0f p50_us=%llu p99_us=%llu errors=%llu\n", nconns, ok,
           (unsigned long long)rt, elapsed, (double)rt / elapsed, (unsigned long long)p50, (unsigned long long)p99,
           (unsigned long long)errors);
    return rt > 0 ? 0 : 1;
}
