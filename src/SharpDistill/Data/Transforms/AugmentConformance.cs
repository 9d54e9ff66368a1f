using SharpDistill.IO;
using System.Text.Json;

namespace SharpDistill.Data.Transforms;

/// <summary>Result of one reference case: the largest |ours − reference| and how many values differ.</summary>
public sealed record AugmentCaseResult(int Index, string Op, double Magnitude, int Image, int WorstAbsError, int WrongValues)
{
    public bool Passed => WorstAbsError == 0;
}

/// <summary>All cases of one op: passes only if every output matches exactly.</summary>
public sealed record OpConformance(string Op, int Cases, int FailedCases, int WorstAbsError)
{
    public bool Passed => FailedCases == 0;
}

public sealed record AugmentConformanceReport(string Path, IReadOnlyList<OpConformance> Ops, IReadOnlyList<AugmentCaseResult> Cases)
{
    public bool Passed => Cases.Count > 0 && Cases.All(c => c.Passed);

    /// <summary>One line per op, then a summary line.</summary>
    public string Describe()
    {
        var lines = Ops.Select(o =>
            $"{o.Op,-13} {o.Cases,3} cases  worst |err| {o.WorstAbsError,3}  {(o.Passed ? "PASS" : $"FAIL ({o.FailedCases} cases)")}");
        return string.Join(Environment.NewLine, lines.Append(
            $"{Cases.Count(c => c.Passed)}/{Cases.Count} cases exact: {(Passed ? "PASS" : "FAIL")}"));
    }
}

/// <summary>
/// Checks <see cref="AugmentOps"/> against PIL reference outputs in the format of
/// tests/data/vectors/augment.json (tests/data/README.md): <c>image_shape</c> [H, W, C], <c>images</c> (flat
/// HWC uint8 lists) and <c>cases</c> of {op, magnitude, image, output}. Every output must match
/// exactly. Used by the test suite and by the CLI's <c>conformance</c> verb.
/// </summary>
public static class AugmentConformance
{
    public static AugmentConformanceReport Run(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var doc = JsonFile.Parse(path, "augmentation reference vectors");
        using (doc)
        {
            var root = doc.RootElement;
            var shape = Ints(Require(root, "image_shape", path, "the file"), path, "image_shape");
            if (shape.Length != 3) throw Bad(path, $"'image_shape' must be [H, W, C], got {shape.Length} numbers");
            int h = shape[0], w = shape[1], c = shape[2];
            if (h <= 0 || w <= 0 || c is not (1 or 3)) throw Bad(path, $"'image_shape' [{h}, {w}, {c}] is not a valid image shape");

            var images = new List<ByteImage>();
            int index = 0;
            foreach (var img in Array(Require(root, "images", path, "the file"), path, "images"))
                images.Add(ToImage(img, w, h, c, path, $"images[{index++}]"));

            var results = new List<AugmentCaseResult>();
            index = 0;
            foreach (var item in Array(Require(root, "cases", path, "the file"), path, "cases"))
            {
                string where = $"cases[{index}]";
                var opName = Require(item, "op", path, where).GetString()
                    ?? throw Bad(path, $"{where}.op is not a string");
                AugmentOp op;
                try { op = AugmentOp.ByName(opName); }
                catch (ArgumentException e) { throw Bad(path, $"{where}: {e.Message}"); }
                double magnitude = Number(Require(item, "magnitude", path, where), path, $"{where}.magnitude");
                int imageIndex = (int)Number(Require(item, "image", path, where), path, $"{where}.image");
                if (imageIndex < 0 || imageIndex >= images.Count)
                    throw Bad(path, $"{where}.image = {imageIndex} but the file has {images.Count} images");
                var expected = ToImage(Require(item, "output", path, where), w, h, c, path, $"{where}.output");

                var actual = op.Apply(images[imageIndex], magnitude);
                int worst = 0, wrong = 0;
                for (int i = 0; i < expected.Pixels.Length; i++)
                {
                    int err = Math.Abs(actual.Pixels[i] - expected.Pixels[i]);
                    if (err == 0) continue;
                    wrong++;
                    worst = Math.Max(worst, err);
                }
                results.Add(new AugmentCaseResult(index, opName, magnitude, imageIndex, worst, wrong));
                index++;
            }
            var perOp = results.GroupBy(r => r.Op)
                .Select(g => new OpConformance(g.Key, g.Count(), g.Count(r => !r.Passed), g.Max(r => r.WorstAbsError)))
                .OrderBy(o => o.Op, StringComparer.Ordinal)
                .ToList();
            return new AugmentConformanceReport(path, perOp, results);
        }
    }

    private static InvalidDataException Bad(string path, string message) =>
        new($"augmentation reference vectors {path}: {message}");

    private static JsonElement Require(JsonElement obj, string key, string path, string where)
    {
        if (obj.ValueKind != JsonValueKind.Object) throw Bad(path, $"{where} is not a JSON object");
        if (!obj.TryGetProperty(key, out var value)) throw Bad(path, $"{where} has no '{key}'");
        return value;
    }

    private static JsonElement.ArrayEnumerator Array(JsonElement e, string path, string where)
    {
        if (e.ValueKind != JsonValueKind.Array) throw Bad(path, $"'{where}' is not an array");
        return e.EnumerateArray();
    }

    private static double Number(JsonElement e, string path, string where)
    {
        if (e.ValueKind != JsonValueKind.Number) throw Bad(path, $"{where} is not a number");
        return e.GetDouble();
    }

    private static int[] Ints(JsonElement e, string path, string where) =>
        Array(e, path, where).Select((v, i) => (int)Number(v, path, $"{where}[{i}]")).ToArray();

    private static ByteImage ToImage(JsonElement e, int w, int h, int c, string path, string where)
    {
        if (e.ValueKind != JsonValueKind.Array) throw Bad(path, $"'{where}' is not an array");
        int n = e.GetArrayLength();
        if (n != w * h * c) throw Bad(path, $"'{where}' has {n} values, image_shape [{h}, {w}, {c}] needs {w * h * c}");
        var px = new byte[n];
        int i = 0;
        foreach (var v in e.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int b) || b < 0 || b > 255)
                throw Bad(path, $"'{where}'[{i}] is not an integer in [0, 255]");
            px[i++] = (byte)b;
        }
        return new ByteImage(w, h, c, px);
    }
}
