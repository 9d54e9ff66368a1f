using SharpDistill.Data;

namespace SharpDistill.Tests.Library;

/// <summary>
/// A small in-memory dataset made by code: 4 classes of 20×20 grayscale images (a horizontal bar, a
/// vertical bar, a cross, a hollow box) drawn at a jittered position on noise with a random
/// brightness offset. Every shape is symmetric under a horizontal flip, so the default augmentations
/// keep labels right.
/// </summary>
internal static class ShapesData
{
    public const int Size = 20;
    public static readonly string[] ClassNames = ["hbar", "vbar", "cross", "box"];

    public static InMemoryDataset Create(string name, int count, int seed)
    {
        var random = new Random(seed);
        var images = new List<ByteImage>();
        var labels = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var label = i % ClassNames.Length;
            var image = new ByteImage(Size, Size, 1);
            var offset = random.Next(0, 60);
            for (var p = 0; p < image.Pixels.Length; p++) image.Pixels[p] = (byte)(offset + random.Next(0, 50));
            int cx = Size / 2 + random.Next(-2, 3), cy = Size / 2 + random.Next(-2, 3);
            for (var y = 0; y < Size; y++)
            for (var x = 0; x < Size; x++)
            {
                int dx = Math.Abs(x - cx), dy = Math.Abs(y - cy);
                var on = label switch
                {
                    0 => dy <= 1 && dx <= 6,
                    1 => dx <= 1 && dy <= 6,
                    2 => (dy <= 1 && dx <= 6) || (dx <= 1 && dy <= 6),
                    _ => Math.Max(dx, dy) is 5 or 6,
                };
                if (on) image[x, y, 0] = (byte)Math.Min(255, image[x, y, 0] + 150);
            }
            images.Add(image);
            labels.Add(label);
        }
        return new InMemoryDataset(name, images, labels, ClassNames.Length, ClassNames);
    }
}
