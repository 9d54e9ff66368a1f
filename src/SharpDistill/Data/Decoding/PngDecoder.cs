using System.Runtime.InteropServices;

namespace SharpDistill.Data;

/// <summary>
/// PNG decoding through libspng, always to 8-bit RGB first: this matches Pillow's convert("RGB") for
/// every PNG colour type — palette colours looked up, alpha and tRNS dropped (not composited),
/// gray replicated, 16-bit samples reduced to their high byte, gamma ignored.
/// </summary>
/// <remarks>
/// One deliberate difference: Pillow opens 16-bit grayscale PNGs as 32-bit integers and clips them
/// to 255 on conversion (white images); here they keep their high byte like every other 16-bit PNG.
/// </remarks>
internal static unsafe class PngDecoder
{
    public static ByteImage Decode(ReadOnlySpan<byte> data, ImageColorMode mode)
    {
        IntPtr ctx;
        try { ctx = SpngNative.CtxNew(0); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new ImageDecodeException(
                $"cannot load {SpngNative.Library} to decode PNG: install Debian's {SpngNative.DebianPackage} package " +
                "(scripts/setup.sh does)", e);
        }
        if (ctx == IntPtr.Zero) throw new ImageDecodeException("libspng could not create a decoder (out of memory?)");
        try
        {
            fixed (byte* png = data)
            {
                Check(SpngNative.SetImageLimits(ctx, ImageLimits.MaxSide, ImageLimits.MaxSide), "setting limits");
                Check(SpngNative.SetPngBuffer(ctx, png, (nuint)data.Length), "reading the PNG");
                Check(SpngNative.GetIhdr(ctx, out var ihdr), "reading the PNG header");
                var width = (int)ihdr.Width;
                var height = (int)ihdr.Height;
                ImageLimits.Check(width, height, "PNG");
                Check(SpngNative.DecodedImageSize(ctx, SpngNative.FormatRgb8, out var length), "sizing the image");
                if (length != (nuint)((long)width * height * 3))
                    throw new ImageDecodeException($"libspng announces {length} bytes for a {width}x{height} RGB image");
                var rgb = new byte[length];
                fixed (byte* output = rgb)
                    Check(SpngNative.DecodeImage(ctx, output, length, SpngNative.FormatRgb8, 0), "decoding the PNG data");
                return mode == ImageColorMode.Gray
                    ? new ByteImage(width, height, 1, PixelConversion.RgbToGray(rgb))
                    : new ByteImage(width, height, 3, rgb);
            }
        }
        finally
        {
            SpngNative.CtxFree(ctx);
        }
    }

    private static void Check(int error, string stage)
    {
        if (error == 0) return;
        var message = Marshal.PtrToStringUTF8(SpngNative.StrError(error)) ?? "unknown error";
        throw new ImageDecodeException($"corrupt or truncated PNG ({stage}): {message} (libspng error {error})");
    }
}
