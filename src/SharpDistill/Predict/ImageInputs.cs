using SharpDistill.Data;
using SharpDistill.Export;

namespace SharpDistill.Predict;

/// <summary>Image files given on the command line (files or folders), turned into a model's input batch.</summary>
public static class ImageInputs
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>
    /// The image files named by <paramref name="paths"/>: a file as it is (its content decides the
    /// format), a folder's PNG/JPEG files (recursively, in ordinal order).
    /// </summary>
    public static IReadOnlyList<string> Collect(IEnumerable<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path)) files.Add(path);
            else if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                    .Order(StringComparer.Ordinal).ToArray();
                if (found.Length == 0) throw new FileNotFoundException($"no PNG or JPEG file in folder {path}", path);
                files.AddRange(found);
            }
            else throw new FileNotFoundException($"image not found: {path}", path);
        }
        if (files.Count == 0) throw new ArgumentException("no image given");
        return files;
    }

    /// <summary>
    /// Decodes each file and applies the model's eval transform (<see cref="ServingSpec.Pipeline"/>);
    /// returns the batch [N, C, S, S] as a flat row-major array. A file that is not a readable image
    /// is a <see cref="DatasetException"/> naming it.
    /// </summary>
    public static float[] LoadBatch(IReadOnlyList<string> files, ServingSpec spec)
    {
        var pipeline = spec.Pipeline();
        var mode = spec.Channels == 1 ? ImageColorMode.Gray : ImageColorMode.Rgb;
        var per = spec.Channels * spec.InputSize * spec.InputSize;
        var batch = new float[checked(files.Count * per)];
        var random = new Random(0); // the eval transform is deterministic; the pipeline API takes a generator
        for (var i = 0; i < files.Count; i++)
        {
            var image = pipeline.ApplyOne(ImageDecoder.DecodeFile(files[i], mode), random);
            if (image.Data.Length != per)
                throw new DatasetException($"the eval transform made a {image.ShapeText} image, expected {spec.Channels}x{spec.InputSize}x{spec.InputSize}", files[i], null);
            image.Data.CopyTo(batch, i * per);
        }
        return batch;
    }
}
