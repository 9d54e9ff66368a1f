using System.Runtime.InteropServices;

namespace SharpDistill.Data;

/// <summary>
/// libspng (Debian package libspng0): a PNG decoder with a plain return-code C API, safe to call
/// through P/Invoke (unlike libpng, whose errors longjmp across the managed frames).
/// </summary>
internal static unsafe partial class SpngNative
{
    public const string Library = "libspng.so.0";
    public const string DebianPackage = "libspng0";

    public const int FormatRgb8 = 4; // SPNG_FMT_RGB8

    [StructLayout(LayoutKind.Sequential)]
    public struct Ihdr
    {
        public uint Width;
        public uint Height;
        public byte BitDepth;
        public byte ColorType;
        public byte CompressionMethod;
        public byte FilterMethod;
        public byte InterlaceMethod;
    }

    [LibraryImport(Library, EntryPoint = "spng_ctx_new")]
    public static partial IntPtr CtxNew(int flags);

    [LibraryImport(Library, EntryPoint = "spng_ctx_free")]
    public static partial void CtxFree(IntPtr ctx);

    [LibraryImport(Library, EntryPoint = "spng_set_png_buffer")]
    public static partial int SetPngBuffer(IntPtr ctx, byte* buffer, nuint size);

    [LibraryImport(Library, EntryPoint = "spng_set_image_limits")]
    public static partial int SetImageLimits(IntPtr ctx, uint width, uint height);

    [LibraryImport(Library, EntryPoint = "spng_get_ihdr")]
    public static partial int GetIhdr(IntPtr ctx, out Ihdr ihdr);

    [LibraryImport(Library, EntryPoint = "spng_decoded_image_size")]
    public static partial int DecodedImageSize(IntPtr ctx, int format, out nuint length);

    [LibraryImport(Library, EntryPoint = "spng_decode_image")]
    public static partial int DecodeImage(IntPtr ctx, byte* output, nuint length, int format, int flags);

    [LibraryImport(Library, EntryPoint = "spng_strerror")]
    public static partial IntPtr StrError(int error);
}
