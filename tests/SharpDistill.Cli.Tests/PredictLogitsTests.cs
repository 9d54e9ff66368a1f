using System.Buffers.Binary;
using System.ComponentModel;
using System.Text;
using SharpDistill.IO;
using SharpDistill.Torch.Serialization;

namespace SharpDistill.Cli.Tests;

/// <summary>`predict --logits` (.npy or .safetensors by extension): one row per image in input order, written atomically.</summary>
public class PredictLogitsTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Reads a float32 C-order .npy of version 1.0, checking every header rule numpy relies on.</summary>
    private static (int[] Shape, float[] Values) ReadNpy(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0 }, bytes[..8]);
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        var dataStart = 10 + headerLength;
        Assert.Equal(0, dataStart % 64);
        var header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.EndsWith("\n", header);
        Assert.StartsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (", header);
        var dims = header[(header.IndexOf("'shape': (", StringComparison.Ordinal) + 10)..header.IndexOf(')')];
        var shape = dims.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        var values = new float[(bytes.Length - dataStart) / 4];
        for (var i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(dataStart + 4 * i));
        Assert.Equal(shape.Aggregate(1, (a, b) => a * b), values.Length);
        return (shape, values);
    }

    [Fact]
    public void NpyAndSafetensorsHoldTheSameLogitsOneRowPerImageInInputOrder()
    {
        var onnx = ExportedStudent.Write(temp.PathOf("student.onnx"));
        var images = Enumerable.Range(0, 3).Select(i => ExportedStudent.Image(temp.PathOf($"img{i}.png"), i)).ToArray();
        var outputs = temp.Directory("out");
        var npy = Path.Combine(outputs, "logits.npy");
        var safetensors = Path.Combine(outputs, "logits.safetensors");
        // Given in the order 2, 0, 1: the rows follow the command line, not the file names.
        string[] order = [images[2], images[0], images[1]];
        Assert.Equal(0, CliRunner.Run(["predict", .. order, "--model", onnx, "--logits", npy]).ExitCode);
        Assert.Equal(0, CliRunner.Run(["predict", .. order, "--model", onnx, "--logits", safetensors]).ExitCode);
        Assert.Equal(new[] { "logits.npy", "logits.safetensors" }, Directory.GetFiles(outputs).Select(Path.GetFileName).Order());

        var (shape, values) = ReadNpy(npy);
        Assert.Equal(new[] { 3, 10 }, shape);
        using (var file = SafeTensors.Load(safetensors))
            Assert.Equal(file.Tensors["logits"].ToArray<float>(), values);
        for (var row = 0; row < 3; row++)
        {
            var single = Path.Combine(temp.Path, $"single{row}.npy");
            Assert.Equal(0, CliRunner.Run("predict", order[row], "--model", onnx, "--logits", single).ExitCode);
            Assert.Equal(ReadNpy(single).Values, values[(row * 10)..(row * 10 + 10)]);
        }
        Assert.NotEqual(values[..10], values[10..20]);

        var wrong = CliRunner.Run("predict", images[0], "--model", onnx, "--logits", Path.Combine(outputs, "logits.csv"));
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains(".npy or .safetensors", wrong.Error);
        Assert.False(File.Exists(Path.Combine(outputs, "logits.csv")));
    }

    [SkippableFact]
    public void NumpyLoadsWhatNpyFileWrites()
    {
        var python = new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(HasNumpy);
        Skip.If(python is null, "needs python3 with numpy (Debian: python3-numpy)");
        var path = temp.PathOf("values.npy");
        float[] values = [1.5f, -2.25f, float.MaxValue, 0f, 9.5367431640625e-07f, -0f];
        NpyFile.WriteFloat32(path, values, 2, 3);
        var oneDimensional = temp.PathOf("vector.npy");
        NpyFile.WriteFloat32(oneDimensional, values, 6);
        var script = "import numpy, sys; a = numpy.load(sys.argv[1]); v = numpy.load(sys.argv[2]); " +
                     "print(a.dtype, a.shape, a.flags['C_CONTIGUOUS'], v.shape, ' '.join(repr(float(x)) for x in a.ravel()))";
        var result = ProcessRunner.Run(python!, ["-c", script, path, oneDimensional], temp.Path, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("float32 (2, 3) True (6,) 1.5 -2.25 3.4028234663852886e+38 0.0 9.5367431640625e-07 -0.0", result.Output.Trim());
    }

    private static bool HasNumpy(string python)
    {
        try
        {
            return ProcessRunner.Run(python, ["-c", "import numpy"], Path.GetTempPath(), TimeSpan.FromMinutes(1)).ExitCode == 0;
        }
        catch (Win32Exception) { return false; }
    }
}
