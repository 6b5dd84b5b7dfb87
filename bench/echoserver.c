// echoserver: the smallest useful epoll TCP echo server (dotcat benchmark helper).
//
//   echoserver PORT [LIFETIME_SECONDS]
//
// Listens on 127.0.0.1:PORT (0 = ephemeral), prints "listening PORT" once ready, echoes every byte back on every
// connection, single-threaded, level-triggered. It is the ceiling for echoload on this machine: if echoload
// cannot push this server harder than it pushes the real tools, the load generator is the bottleneck.
// It exits after LIFETIME_SECONDS (default 120) so a forgotten one cannot linger.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: echoserver PORT [LIFETIME_SECONDS]\n");
        return 2;
    }
    int lifetime = argc > 2 ? atoi(argv[2]) : 120;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1]))};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) {
        perror("echoserver: bind/listen");
        return 1;
    }
    socklen_t alen = sizeof a;
    getsockname(ls, (struct sockaddr *)&a, &alen);
    printf("listening %d\n", ntohs(a.sin_port));
    fflush(stdout);

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = ls};
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    time_t end = time(NULL) + lifetime;
    struct epoll_event evs[256];
    static char buf[65536];
    while (time(NULL) < end) { // bounded by LIFETIME_SECONDS
        int n = epoll_wait(ep, evs, 256, 200);
        if (n < 0 && errno != EINTR) break;
        for (int k = 0; k < n; k++) {
            int fd = evs[k].data.fd;
            if (fd == ls) {
                int c = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (c < 0) continue;
                setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                struct epoll_event ce = {.events = EPOLLIN, .data.fd = c};
                epoll_ctl(ep, EPOLL_CTL_ADD, c, &ce);
                continue;
            }
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN) continue;
                close(fd); // closing also removes it from the epoll set
                continue;
            }
            // Echo messages are tiny, so the send buffer always has room; a short write just drops the rest.
            if (send(fd, buf, (size_t)r, MSG_NOSIGNAL) < 0) close(fd);
        }
    }
    return 0;
}
