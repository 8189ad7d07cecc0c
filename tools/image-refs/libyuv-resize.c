/* Test-time reference (not shipped, never linked by Depthwise): resizes a binary PPM the way the TFLite Task
 * Library's libyuv frame-buffer utilities resize RGB (ResizeRgb): RGB24ToARGB, ARGBScale with the given filter
 * (default kFilterBilinear), ARGBToRGB24.  libyuv's "RGB24" is B,G,R in memory, but the conversions move channels
 * consistently and the scaler treats them alike, so RGB in gives RGB out.  Runs libyuv's fastest paths for this
 * CPU, as the Task Library does.  Usage: libyuv-resize INPUT.ppm WIDTH HEIGHT OUTPUT.ppm [none|linear|bilinear|box].
 * Built by tools/build-image-refs.sh against Debian's libyuv-dev. */
#include <libyuv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_token(FILE *f, char *buf, int size)
{
    int c, n = 0;
    do {
        c = fgetc(f);
        if (c == '#')
            while (c != '\n' && c != EOF) c = fgetc(f);
    } while (c == ' ' || c == '\n' || c == '\r' || c == '\t');
    while (c != EOF && c != ' ' && c != '\n' && c != '\r' && c != '\t' && n < size - 1) {
        buf[n++] = (char)c;
        c = fgetc(f);
    }
    buf[n] = 0;
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: %s INPUT.ppm WIDTH HEIGHT OUTPUT.ppm [none|linear|bilinear|box]\n", argv[0]);
        return 2;
    }
    enum FilterMode filter = kFilterBilinear;
    if (argc == 6) {
        if (!strcmp(argv[5], "none")) filter = kFilterNone;
        else if (!strcmp(argv[5], "linear")) filter = kFilterLinear;
        else if (!strcmp(argv[5], "bilinear")) filter = kFilterBilinear;
        else if (!strcmp(argv[5], "box")) filter = kFilterBox;
        else { fprintf(stderr, "unknown filter %s\n", argv[5]); return 2; }
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    char tok[32];
    read_token(f, tok, sizeof tok);
    if (strcmp(tok, "P6")) { fprintf(stderr, "%s: not a binary PPM (P6)\n", argv[1]); return 1; }
    read_token(f, tok, sizeof tok); int w = atoi(tok);
    read_token(f, tok, sizeof tok); int h = atoi(tok);
    read_token(f, tok, sizeof tok); int max = atoi(tok);
    if (w <= 0 || h <= 0 || max != 255) { fprintf(stderr, "%s: bad header\n", argv[1]); return 1; }
    int dw = atoi(argv[2]), dh = atoi(argv[3]);
    if (dw <= 0 || dh <= 0) { fprintf(stderr, "bad size %sx%s\n", argv[2], argv[3]); return 2; }
    size_t in_size = (size_t)w * h * 3;
    uint8_t *rgb = malloc(in_size), *argb = malloc((size_t)w * h * 4);
    uint8_t *scaled = malloc((size_t)dw * dh * 4), *out = malloc((size_t)dw * dh * 3);
    if (!rgb || !argb || !scaled || !out) { fprintf(stderr, "out of memory\n"); return 1; }
    if (fread(rgb, 1, in_size, f) != in_size) { fprintf(stderr, "%s: truncated\n", argv[1]); return 1; }
    fclose(f);
    if (RGB24ToARGB(rgb, w * 3, argb, w * 4, w, h) ||
        ARGBScale(argb, w * 4, w, h, scaled, dw * 4, dw, dh, filter) ||
        ARGBToRGB24(scaled, dw * 4, out, dw * 3, dw, dh)) {
        fprintf(stderr, "libyuv failed\n");
        return 1;
    }
    f = fopen(argv[4], "wb");
    if (!f) { perror(argv[4]); return 1; }
    fprintf(f, "P6\n%d %d\n255\n", dw, dh);
    int ok = fwrite(out, 1, (size_t)dw * dh * 3, f) == (size_t)dw * dh * 3;
    ok &= fclose(f) == 0;
    return ok ? 0 : 1;
}
