// OpenBLAS, loaded at run time so that the engine chooses its kernels (see openblas_loader.c).
#ifndef POLYGLOT_OPENBLAS_LOADER_H
#define POLYGLOT_OPENBLAS_LOADER_H

#include <stdbool.h>

/// The kernel set OpenBLAS runs: its own choice (the default), "Haswell" (portable) or the CPU's best ("native");
/// loads the library on first use.
const char *pg_blas_core(void);

/// How the kernel set was chosen: "auto", "OPENBLAS_CORETYPE", "portable" or "native".
const char *pg_blas_kernel_policy(void);

void pg_blas_set_threads(int threads);

/// Row-major C(M,N) = op(A)·op(B) + beta·C.
void pg_sgemm(bool transA, bool transB, int M, int N, int K, const float *A, int lda, const float *B, int ldb,
              float beta, float *C, int ldc);

/// Row-major y = op(A)·x + beta·y, with A (rows, cols).
void pg_sgemv(bool transA, int rows, int cols, const float *A, int lda, const float *x, float beta, float *y);

#endif
