using SharpDistill.IO;
using System.Text.Json;

namespace SharpDistill.Cli.Conformance;

/// <summary>The kinds of reference-vector file the `conformance` verb can check.</summary>
public enum VectorFileKind
{
    /// <summary>Loss values and gradients (tests/data/vectors/losses.json): cases of {method, params, inputs, outputs}.</summary>
    Losses,

    /// <summary>PIL outputs of the augmentation ops (tests/data/vectors/augment.json): images, and cases of {op, magnitude, image, output}.</summary>
    Augment,
}

/// <summary>
/// Tells a loss vector file from an augmentation one by what it holds, never by its name (a copy
/// may be called anything): both are JSON objects with a "cases" array; an augmentation file also
/// has "images" and its cases name an "op", a loss file's cases name a "method".
/// </summary>
public static class VectorFiles
{
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not JSON, or not either kind of vector file (the message says what was expected).</exception>
    public static VectorFileKind Detect(string path)
    {
        var document = JsonFile.Parse(path, "reference vectors");
        using (document)
        {
            var root = document.RootElement;
            var expected = "expected a loss vector file (a JSON object whose 'cases' each have a 'method') " +
                           "or an augmentation vector file (a JSON object with 'images' and 'cases' that each have an 'op')";
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("cases", out var cases) || cases.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{path}: {expected}; it has no 'cases' array");
            if (cases.GetArrayLength() == 0) throw new InvalidDataException($"{path}: its 'cases' array is empty, so there is nothing to check");
            var all = cases.EnumerateArray().ToList();
            if (root.TryGetProperty("images", out _) && all.All(c => Has(c, "op"))) return VectorFileKind.Augment;
            if (all.All(c => Has(c, "method"))) return VectorFileKind.Losses;
            throw new InvalidDataException($"{path}: {expected}; not every case has a 'method'{(root.TryGetProperty("images", out _) ? " or an 'op'" : "")}");
        }
    }

    private static bool Has(JsonElement element, string key) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String;
}
