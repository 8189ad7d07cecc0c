/* Test-time reference (not shipped, never linked by Depthwise): decodes an image with stb_image's stbi_load, as the
 * TFLite Task Library's image_utils does (desired_channels 0: gray stays one channel, everything else becomes RGB),
 * and writes it as a binary PGM/PPM.  Usage: stb-decode INPUT OUTPUT.pnm.  Built by tools/build-image-refs.sh from
 * Debian's libstb-dev header with the compiler's defaults (SSE2 on x86-64, as in the Task Library's build). */
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s INPUT OUTPUT.pnm\n", argv[0]);
        return 2;
    }
    int w, h, n;
    unsigned char *pixels = stbi_load(argv[1], &w, &h, &n, 0);
    if (!pixels) {
        fprintf(stderr, "stb_image: %s: %s\n", argv[1], stbi_failure_reason());
        return 1;
    }
    if (n != 1 && n != 3) {
        fprintf(stderr, "stb_image: %s: %d channels (only 1 or 3 are written)\n", argv[1], n);
        return 1;
    }
    FILE *f = fopen(argv[2], "wb");
    if (!f) {
        perror(argv[2]);
        return 1;
    }
    fprintf(f, "P%c\n%d %d\n255\n", n == 1 ? '5' : '6', w, h);
    size_t size = (size_t)w * h * n;
    int ok = fwrite(pixels, 1, size, f) == size;
    ok &= fclose(f) == 0;
    stbi_image_free(pixels);
    return ok ? 0 : 1;
}
