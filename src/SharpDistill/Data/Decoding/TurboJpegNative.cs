using System.Runtime.InteropServices;

namespace SharpDistill.Data;

/// <summary>
/// The TurboJPEG C API of libjpeg-turbo (Debian package libturbojpeg0), the codec behind Pillow's
/// JPEG support, so decoded pixels match what torchvision's PIL loader sees.
/// </summary>
internal static unsafe partial class TurboJpegNative
{
    public const string Library = "libturbojpeg.so.0";
    public const string DebianPackage = "libturbojpeg0";

    public const int PixelFormatRgb = 0;   // TJPF_RGB
    public const int PixelFormatGray = 6;  // TJPF_GRAY
    public const int PixelFormatCmyk = 11; // TJPF_CMYK

    public const int ColorspaceGray = 2; // TJCS_GRAY
    public const int ColorspaceCmyk = 3; // TJCS_CMYK
    public const int ColorspaceYcck = 4; // TJCS_YCCK

    public const int ErrorWarning = 0; // TJERR_WARNING

    [LibraryImport(Library, EntryPoint = "tjInitDecompress")]
    public static partial IntPtr InitDecompress();

    [LibraryImport(Library, EntryPoint = "tjDecompressHeader3")]
    public static partial int DecompressHeader3(IntPtr handle, byte* jpegBuf, CULong jpegSize,
        out int width, out int height, out int subsampling, out int colorspace);

    [LibraryImport(Library, EntryPoint = "tjDecompress2")]
    public static partial int Decompress2(IntPtr handle, byte* jpegBuf, CULong jpegSize, byte* dstBuf,
        int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(Library, EntryPoint = "tjGetErrorStr2")]
    public static partial IntPtr GetErrorStr2(IntPtr handle);

    [LibraryImport(Library, EntryPoint = "tjGetErrorCode")]
    public static partial int GetErrorCode(IntPtr handle);

    [LibraryImport(Library, EntryPoint = "tjDestroy")]
    public static partial int Destroy(IntPtr handle);
}
