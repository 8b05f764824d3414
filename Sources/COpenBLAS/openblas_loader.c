// Loads OpenBLAS with dlopen instead of linking it, because its kernel set is chosen once, when the library
// loads, from OPENBLAS_CORETYPE or the CPU. Kernel sets round differently (Haswell's AVX2 and SkylakeX's
// AVX-512 sgemm give different bits), so an unpinned choice would make a notebook recorded on one CPU fail
// to replay on another. Policy, from POLYGLOT_KERNELS:
//   portable (the default): Haswell kernels on every x86-64 CPU with AVX2 and FMA: the same bits on all of them;
//   native: SkylakeX kernels where the CPU has AVX-512 (faster; other bits), else OpenBLAS's CPU detection;
//   auto: OpenBLAS's own choice (OPENBLAS_CORETYPE if set, else its CPU detection), as when it is linked.
#define _GNU_SOURCE
#include "openblas_loader.h"

#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };  // CBLAS enum values

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int, float,
                         float *, int);
typedef void (*sgemv_fn)(int, int, int, int, float, const float *, int, const float *, int, float, float *, int);
typedef void (*threads_fn)(int);
typedef char *(*corename_fn)(void);

static sgemm_fn sgemm_ptr;
static sgemv_fn sgemv_ptr;
static threads_fn set_threads_ptr;
static corename_fn corename_ptr;
static const char *policy = "portable";
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

/// The core to load for the policy `portable` or `native` (NULL: let OpenBLAS detect the CPU).
static const char *chosen_core(const char *chosen_policy) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (strcmp(chosen_policy, "native") == 0) {
        bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
        return avx512 ? "SkylakeX" : NULL;
    }
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? "Haswell" : NULL;
#else
    (void)chosen_policy;
    return NULL;  // one kernel set per architecture elsewhere
#endif
}

static void *symbol(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "polyglot: OpenBLAS has no %s (%s)\n", name, dlerror());
        exit(70);
    }
    return p;
}

/// OpenBLAS starts its worker threads when it loads and when the thread count grows; a thread inherits its creator's
/// signal mask. Blocking the asynchronous signals around both keeps Ctrl-C, SIGTERM and resizes on the threads that
/// wait for them (the REPL's read, `serve`'s sigwait) instead of a BLAS worker, where readline never sees them.
static sigset_t block_async_signals(void) {
    sigset_t blocked, previous;
    sigemptyset(&blocked);
    const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH};
    for (size_t i = 0; i < sizeof signals / sizeof *signals; i++) sigaddset(&blocked, signals[i]);
    pthread_sigmask(SIG_BLOCK, &blocked, &previous);
    return previous;
}

static void load(void) {
    sigset_t previous = block_async_signals();
    const char *wanted = getenv("POLYGLOT_KERNELS");
    if (wanted && !*wanted) wanted = NULL;
    const char *inherited = getenv("OPENBLAS_CORETYPE");
    char *saved = inherited ? strdup(inherited) : NULL;
    if (wanted && strcmp(wanted, "auto") == 0) {
        policy = inherited ? "auto, OPENBLAS_CORETYPE" : "auto";
    } else {
        if (wanted && strcmp(wanted, "native") == 0) policy = "native";
        else if (wanted && strcmp(wanted, "portable") != 0)
            fprintf(stderr, "polyglot: POLYGLOT_KERNELS=%s is not one of: portable, native, auto (using portable)\n",
                    wanted);
        const char *core = chosen_core(policy);
        if (core) setenv("OPENBLAS_CORETYPE", core, 1); else unsetenv("OPENBLAS_CORETYPE");
    }
    static const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.0.dylib"};
    void *lib = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names && !lib; i++) lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    // OpenBLAS reads the variable once, at load: restore the environment child processes see.
    if (saved) { setenv("OPENBLAS_CORETYPE", saved, 1); free(saved); } else unsetenv("OPENBLAS_CORETYPE");
    if (!lib) {
        fprintf(stderr, "polyglot: cannot load OpenBLAS (%s); on Debian: apt-get install libopenblas0\n", dlerror());
        exit(70);
    }
    sgemm_ptr = (sgemm_fn)symbol(lib, "cblas_sgemm");
    sgemv_ptr = (sgemv_fn)symbol(lib, "cblas_sgemv");
    set_threads_ptr = (threads_fn)symbol(lib, "openblas_set_num_threads");
    corename_ptr = (corename_fn)dlsym(lib, "openblas_get_corename");  // optional: older builds lack it
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
}

const char *pg_blas_core(void) {
    pthread_once(&loaded, load);
    return corename_ptr ? corename_ptr() : "unknown";
}

const char *pg_blas_kernel_policy(void) {
    pthread_once(&loaded, load);
    return policy;
}

void pg_blas_set_threads(int threads) {
    pthread_once(&loaded, load);
    sigset_t previous = block_async_signals();
    set_threads_ptr(threads);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
}

void pg_sgemm(bool transA, bool transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb,
              float beta, float *C, int ldc) {
    pthread_once(&loaded, load);
    sgemm_ptr(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, M, N, K, 1, A, lda, B, ldb, beta, C,
              ldc);
}

void pg_sgemv(bool transA, int rows, int cols, const float *A, int lda, const float *x, float beta, float *y) {
    pthread_once(&loaded, load);
    sgemv_ptr(ROW_MAJOR, transA ? TRANS : NO_TRANS, rows, cols, 1, A, lda, x, 1, beta, y, 1);
}
