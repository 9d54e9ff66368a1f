namespace SharpDistill.Data;

/// <summary>
/// torchvision's ToTensor for 8-bit images: HWC bytes to CHW float32 in [0, 1], each value computed
/// as (float)p / 255f — the same single-precision division PyTorch performs, so results match bit
/// for bit.
/// </summary>
public static class ToTensor
{
    public static ChwImage Apply(ByteImage image)
    {
        int h = image.Height, w = image.Width, c = image.Channels;
        var pixels = image.Pixels;
        var data = new float[c * h * w];
        var plane = h * w;
        for (var p = 0; p < plane; p++)
            for (var ch = 0; ch < c; ch++)
                data[ch * plane + p] = pixels[p * c + ch] / 255f;
        return new ChwImage(c, h, w, data);
    }
}
