/* A libzmq socket driven line by line by a Rust test, with the same commands as the JeroMQ peer
 * (jeromq/Peer.java): compiled against libzmq 4.1.5 (crates/ferrozmq/tests/interop/libzmq41) and
 * against libzmq 4.3.4 built with GnuTLS (interop/libzmq_wss, which uses the wss commands).
 *
 * Each stdin line is one command; each gets exactly one line back on stdout: "ok [value]",
 * "frames HEX,HEX,..." (an empty frame is "-"), "timeout" or "error MESSAGE".
 *
 *   version              -> "ok MAJOR.MINOR.PATCH" of the libzmq it runs on
 *   socket TYPE          a socket of TYPE (PAIR, PUB, SUB, REQ, REP, DEALER, ROUTER, PULL, PUSH, XPUB, XSUB)
 *   identity HEX         its routing id (before connect or bind)
 *   bind HOST            binds tcp://HOST on a free port -> "ok PORT"
 *   connect ENDPOINT
 *   subscribe HEX|-      a SUB's subscription ("-": everything)
 *   send HEX,HEX,...     one message
 *   recv MILLISECONDS    one message -> "frames ..." or "timeout"
 *   close
 *
 * With a libzmq that has the WSS options (ZMQ_BUILD_DRAFT_API):
 *   wss-cert FILE, wss-key FILE, wss-trust FILE   ZMQ_WSS_CERT_PEM/KEY_PEM/TRUST_PEM from FILE
 *   wss-hostname NAME    ZMQ_WSS_HOSTNAME
 *   bind-to ENDPOINT     binds ENDPOINT -> "ok LAST_ENDPOINT"
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define LINE_MAX_BYTES (1 << 20)

static const struct { const char *name; int type; } TYPES[] = {
    {"PAIR", ZMQ_PAIR}, {"PUB", ZMQ_PUB}, {"SUB", ZMQ_SUB}, {"REQ", ZMQ_REQ},
    {"REP", ZMQ_REP}, {"DEALER", ZMQ_DEALER}, {"ROUTER", ZMQ_ROUTER}, {"PULL", ZMQ_PULL},
    {"PUSH", ZMQ_PUSH}, {"XPUB", ZMQ_XPUB}, {"XSUB", ZMQ_XSUB},
};

/* Decodes HEX (or "-", empty) of length len into out; returns the byte count. */
static size_t unhex(const char *text, size_t len, unsigned char *out) {
    if (len == 1 && text[0] == '-') return 0;
    for (size_t i = 0; i + 1 < len; i += 2) {
        unsigned int byte;
        sscanf(text + i, "%2x", &byte);
        out[i / 2] = (unsigned char)byte;
    }
    return len / 2;
}

static void put_hex(const unsigned char *bytes, size_t len) {
    if (len == 0) {
        fputs("-", stdout);
        return;
    }
    for (size_t i = 0; i < len; i++) printf("%02x", bytes[i]);
}

static void reply_error(void) { printf("error %s\n", zmq_strerror(zmq_errno())); }

#ifdef ZMQ_WSS_CERT_PEM
/* Sets the bytes of the file at path as option on socket. */
static void set_from_file(void *socket, int option, const char *path, unsigned char *buffer) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        printf("error cannot open %s\n", path);
        return;
    }
    size_t n = fread(buffer, 1, LINE_MAX_BYTES / 2, file);
    fclose(file);
    if (zmq_setsockopt(socket, option, buffer, n) < 0) reply_error();
    else puts("ok");
}
#endif

static void send_frames(void *socket, char *arg, unsigned char *buffer) {
    for (;;) {
        char *comma = strchr(arg, ',');
        size_t len = comma ? (size_t)(comma - arg) : strlen(arg);
        size_t n = unhex(arg, len, buffer);
        if (zmq_send(socket, buffer, n, comma ? ZMQ_SNDMORE : 0) < 0) {
            reply_error();
            return;
        }
        if (!comma) break;
        arg = comma + 1;
    }
    puts("ok");
}

static void receive(void *socket, int timeout_ms) {
    zmq_setsockopt(socket, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    zmq_msg_t frame;
    zmq_msg_init(&frame);
    if (zmq_msg_recv(&frame, socket, 0) < 0) {
        if (zmq_errno() == EAGAIN) puts("timeout");
        else reply_error();
        zmq_msg_close(&frame);
        return;
    }
    fputs("frames ", stdout);
    for (;;) {
        put_hex(zmq_msg_data(&frame), zmq_msg_size(&frame));
        if (!zmq_msg_more(&frame)) break;
        fputs(",", stdout);
        zmq_msg_recv(&frame, socket, 0);
    }
    zmq_msg_close(&frame);
    puts("");
}

int main(void) {
    void *ctx = zmq_ctx_new();
    void *socket = NULL;
    char *line = malloc(LINE_MAX_BYTES);
    unsigned char *buffer = malloc(LINE_MAX_BYTES / 2);
    while (fgets(line, LINE_MAX_BYTES, stdin)) {
        line[strcspn(line, "\n")] = 0;
        char *arg = strchr(line, ' ');
        if (arg) *arg++ = 0;
        else arg = line + strlen(line);
        if (!strcmp(line, "version")) {
            int major, minor, patch;
            zmq_version(&major, &minor, &patch);
            printf("ok %d.%d.%d\n", major, minor, patch);
        } else if (!strcmp(line, "socket")) {
            int type = -1;
            for (size_t i = 0; i < sizeof TYPES / sizeof TYPES[0]; i++)
                if (!strcmp(arg, TYPES[i].name)) type = TYPES[i].type;
            int linger = 1000;
            socket = type < 0 ? NULL : zmq_socket(ctx, type);
            if (socket) {
                zmq_setsockopt(socket, ZMQ_LINGER, &linger, sizeof linger);
                puts("ok");
            } else {
                printf("error no socket of type %s\n", arg);
            }
        } else if (!strcmp(line, "identity")) {
            size_t n = unhex(arg, strlen(arg), buffer);
            if (zmq_setsockopt(socket, ZMQ_IDENTITY, buffer, n) < 0) reply_error();
            else puts("ok");
        } else if (!strcmp(line, "bind")) {
            char endpoint[256];
            size_t size = sizeof endpoint;
            snprintf(endpoint, sizeof endpoint, "tcp://%s:*", arg);
            if (zmq_bind(socket, endpoint) < 0) {
                reply_error();
            } else {
                zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &size);
                printf("ok %s\n", strrchr(endpoint, ':') + 1);
            }
        } else if (!strcmp(line, "connect")) {
            if (zmq_connect(socket, arg) < 0) reply_error();
            else puts("ok");
        } else if (!strcmp(line, "subscribe")) {
            size_t n = unhex(arg, strlen(arg), buffer);
            if (zmq_setsockopt(socket, ZMQ_SUBSCRIBE, buffer, n) < 0) reply_error();
            else puts("ok");
        } else if (!strcmp(line, "send")) {
            send_frames(socket, arg, buffer);
        } else if (!strcmp(line, "recv")) {
            receive(socket, atoi(arg));
#ifdef ZMQ_WSS_CERT_PEM
        } else if (!strcmp(line, "wss-cert")) {
            set_from_file(socket, ZMQ_WSS_CERT_PEM, arg, buffer);
        } else if (!strcmp(line, "wss-key")) {
            set_from_file(socket, ZMQ_WSS_KEY_PEM, arg, buffer);
        } else if (!strcmp(line, "wss-trust")) {
            set_from_file(socket, ZMQ_WSS_TRUST_PEM, arg, buffer);
        } else if (!strcmp(line, "wss-hostname")) {
            if (zmq_setsockopt(socket, ZMQ_WSS_HOSTNAME, arg, strlen(arg)) < 0) reply_error();
            else puts("ok");
        } else if (!strcmp(line, "bind-to")) {
            char endpoint[256];
            size_t size = sizeof endpoint;
            if (zmq_bind(socket, arg) < 0) {
                reply_error();
            } else {
                zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &size);
                printf("ok %s\n", endpoint);
            }
#endif
        } else if (!strcmp(line, "close")) {
            zmq_close(socket);
            socket = NULL;
            puts("ok");
        } else {
            printf("error unknown command %s\n", line);
        }
        fflush(stdout);
    }
    if (socket) zmq_close(socket);
    zmq_ctx_term(ctx);
    free(line);
    free(buffer);
    return 0;
}
