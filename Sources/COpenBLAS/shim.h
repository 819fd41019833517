#ifndef EMBCOMPRESS_COPENBLAS_SHIM_H
#define EMBCOMPRESS_COPENBLAS_SHIM_H

#include <stddef.h>
#include <cblas.h>

// OpenBLAS exports LAPACK's Fortran symbols; these are the ones embcompress calls.
// Symmetric eigen-decomposition (divide and conquer), double and single precision.
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
             float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);
// Singular value decomposition, double precision.
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work,
             const int *lwork, int *iwork, int *info);

// Selected eigenpairs of a symmetric matrix (relatively robust representations), double precision.
// The trailing size_t arguments are gfortran's hidden lengths of the character arguments.
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
             const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
             const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t range_len, size_t uplo_len);
// Minimum-norm least squares by SVD (divide and conquer), double precision.
void dgelsd_(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b,
             const int *ldb, double *s, const double *rcond, int *rank, double *work,
             const int *lwork, int *iwork, int *info);

#endif
