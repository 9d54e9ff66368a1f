using System.Runtime.InteropServices;

namespace SharpDistill.Data;

/// <summary>JPEG decoding through TurboJPEG, with Pillow's colour conversions for gray and CMYK files.</summary>
internal static unsafe class JpegDecoder
{
    public static ByteImage Decode(ReadOnlySpan<byte> data, ImageColorMode mode)
    {
        IntPtr handle;
        try { handle = TurboJpegNative.InitDecompress(); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new ImageDecodeException(
                $"cannot load {TurboJpegNative.Library} to decode JPEG: install Debian's {TurboJpegNative.DebianPackage} package " +
                "(scripts/setup.sh does)", e);
        }
        if (handle == IntPtr.Zero) throw new ImageDecodeException("TurboJPEG could not create a decompressor (out of memory?)");
        try
        {
            fixed (byte* jpeg = data)
            {
                var size = new CULong((nuint)data.Length);
                if (TurboJpegNative.DecompressHeader3(handle, jpeg, size, out var width, out var height, out _, out var colorspace) != 0)
                    CheckWarning(handle, "reading the JPEG header");
                ImageLimits.Check(width, height, "JPEG");

                var (format, bytesPerPixel) = colorspace switch
                {
                    TurboJpegNative.ColorspaceGray => (TurboJpegNative.PixelFormatGray, 1),
                    TurboJpegNative.ColorspaceCmyk or TurboJpegNative.ColorspaceYcck => (TurboJpegNative.PixelFormatCmyk, 4),
                    _ => (TurboJpegNative.PixelFormatRgb, 3),
                };
                var pixels = new byte[(long)width * height * bytesPerPixel];
                fixed (byte* destination = pixels)
                {
                    if (TurboJpegNative.Decompress2(handle, jpeg, size, destination, width, 0, height, format, 0) != 0)
                        CheckWarning(handle, "decoding the JPEG data");
                }
                return format switch
                {
                    TurboJpegNative.PixelFormatGray => mode == ImageColorMode.Gray
                        ? new ByteImage(width, height, 1, pixels)
                        : new ByteImage(width, height, 3, PixelConversion.GrayToRgb(pixels)),
                    TurboJpegNative.PixelFormatCmyk => Finish(width, height, PixelConversion.InvertedCmykToRgb(pixels), mode),
                    _ => Finish(width, height, pixels, mode),
                };
            }
        }
        finally
        {
            TurboJpegNative.Destroy(handle);
        }
    }

    private static ByteImage Finish(int width, int height, byte[] rgb, ImageColorMode mode) =>
        mode == ImageColorMode.Gray
            ? new ByteImage(width, height, 1, PixelConversion.RgbToGray(rgb))
            : new ByteImage(width, height, 3, rgb);

    /// <summary>
    /// TurboJPEG reports libjpeg warnings as failures too. Every fatal error and every warning is
    /// refused (a truncated file is only a warning to libjpeg, which pads the image with gray: silent
    /// garbage), except "extraneous bytes before marker": stray bytes between segments that a few
    /// real-world files (ImageNet among them) carry and that do not change the pixels.
    /// </summary>
    private static void CheckWarning(IntPtr handle, string stage)
    {
        var message = Marshal.PtrToStringUTF8(TurboJpegNative.GetErrorStr2(handle)) ?? "unknown error";
        var isWarning = TurboJpegNative.GetErrorCode(handle) == TurboJpegNative.ErrorWarning;
        if (isWarning && message.Contains("extraneous bytes before marker", StringComparison.Ordinal)) return;
        throw new ImageDecodeException($"corrupt or truncated JPEG ({stage}): {message}");
    }
}
