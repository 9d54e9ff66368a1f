// Classifies images with a student exported by SharpDistill, using only ONNX Runtime (no SharpDistill).
// Usage: dotnet run -- student.onnx image.png [more images...]
// Prints one line per image: file, class index, class name, probability (tab-separated).
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StbImageSharp;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: ClassifyOnnx model.onnx image [image...]");
    return 2;
}
using var session = new InferenceSession(args[0]);
// What the exporter records beside the network (docs/deploy.md): the input shape, the normalisation
// applied to pixels scaled to [0, 1], the class names, and how a larger image is brought to size.
var metadata = session.ModelMetadata.CustomMetadataMap;
var shape = JsonSerializer.Deserialize<JsonElement[]>(metadata["input_shape"])!; // ["batch", C, H, W]
int channels = shape[1].GetInt32(), height = shape[2].GetInt32(), width = shape[3].GetInt32();
var mean = JsonSerializer.Deserialize<float[]>(metadata["mean"])!;
var std = JsonSerializer.Deserialize<float[]>(metadata["std"])!;
var names = JsonSerializer.Deserialize<string[]>(metadata["class_names"])!;
var shorterSide = metadata.GetValueOrDefault("sharpdistill.resize_shorter_side", "");

var files = args[1..];
var input = new DenseTensor<float>([files.Length, channels, height, width]);
for (var n = 0; n < files.Length; n++)
{
    var image = ImageResult.FromMemory(File.ReadAllBytes(files[n]), channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
    // The exporter's eval transform: either resize the shorter side and crop the centre, or resize to
    // the input size. This sample resizes bilinearly, close to (not bit-identical with) SharpDistill's
    // antialiased resize; an image already at the input size is used as it is.
    var (scaleX, scaleY, left, top) = (1.0, 1.0, 0.0, 0.0);
    if (shorterSide.Length > 0)
    {
        var scale = double.Parse(shorterSide, CultureInfo.InvariantCulture) / Math.Min(image.Width, image.Height);
        (scaleX, scaleY) = (1 / scale, 1 / scale);
        (left, top) = ((image.Width * scale - width) / 2, (image.Height * scale - height) / 2);
    }
    else (scaleX, scaleY) = ((double)image.Width / width, (double)image.Height / height);
    for (var c = 0; c < channels; c++)
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var value = Sample(image, c, channels, (x + left + 0.5) * scaleX - 0.5, (y + top + 0.5) * scaleY - 0.5);
                input[n, c, y, x] = ((float)(value / 255.0) - mean[c]) / std[c];
            }
}

using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
var logits = results.First(r => r.Name == "logits").AsTensor<float>();
var classes = (int)logits.Dimensions[1];
for (var n = 0; n < files.Length; n++)
{
    var scores = Enumerable.Range(0, classes).Select(k => logits[n, k]).ToArray();
    var best = Array.IndexOf(scores, scores.Max());
    var probability = 1 / scores.Sum(s => Math.Exp(s - scores[best])); // softmax of the top class
    var name = best < names.Length ? names[best] : best.ToString(CultureInfo.InvariantCulture);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{files[n]}\t{best}\t{name}\t{probability:0.0000}"));
}
return 0;

// Bilinear sample of channel c at (x, y) in pixel coordinates, clamped at the borders.
static double Sample(ImageResult image, int c, int channels, double x, double y)
{
    int x0 = (int)Math.Floor(x), y0 = (int)Math.Floor(y);
    double fx = x - x0, fy = y - y0;
    double At(int px, int py) =>
        image.Data[(Math.Clamp(py, 0, image.Height - 1) * image.Width + Math.Clamp(px, 0, image.Width - 1)) * channels + c];
    return (1 - fy) * ((1 - fx) * At(x0, y0) + fx * At(x0 + 1, y0)) + fy * ((1 - fx) * At(x0, y0 + 1) + fx * At(x0 + 1, y0 + 1));
}
