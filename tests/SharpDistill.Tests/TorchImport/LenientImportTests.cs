using System.Text;
using SharpDistill.Pickle;
using SharpDistill.TorchImport;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using static SharpDistill.Tests.TorchImport.CheckpointTestData;

namespace SharpDistill.Tests.TorchImport;

/// <summary>
/// The opt-in lenient mode for checkpoints that pickle more than weights: unknown globals become
/// inert placeholders, named in the report, and the tensors import; the default stays strict.
/// </summary>
public class LenientImportTests
{
    private static readonly string[] ScriptGlobals = ["_codecs.encode", "argparse.Namespace", "numpy.core.multiarray.scalar", "numpy.dtype"];

    private static Sequential TinyNet() =>
        new(new Conv2d(3, 4, 3, padding: 1), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 3 * 3, 5));

    private static Dictionary<string, float[]> Floats(Module module) =>
        module.StateDict().Where(p => p.Value.DType == DType.Float32).ToDictionary(p => p.Key, p => p.Value.ToArray<float>());

    [Fact]
    public void ByDefaultATrainingScriptsCheckpointIsRefusedNamingTheGlobalAndTheOptIn()
    {
        using var net = TinyNet();
        var e = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.ImportInto(net, PathOf("script_objects.pth")));
        Assert.Contains("script_objects.pth", e.Message);
        Assert.Contains("refusing the global 'argparse.Namespace'", e.Message);
        Assert.Contains("--allow-unknown-globals", e.Message);
    }

    [Fact]
    public void InLenientModeTheWeightsImportAndEveryUnknownGlobalIsReportedByName()
    {
        using var strict = TinyNet();
        TorchCheckpoint.ImportInto(strict, PathOf("tiny_net.pth"));
        using var lenient = TinyNet();
        var report = TorchCheckpoint.ImportInto(lenient, PathOf("script_objects.pth"), new ImportOptions { AllowUnknownGlobals = true });

        Assert.Equal("['state_dict']", report.StateDictLocation);
        Assert.Equal(9, report.Loaded.Count);
        Assert.Equal(ScriptGlobals, report.Placeholders);
        Assert.Contains("read as inert placeholders, never imported or called (4): _codecs.encode, argparse.Namespace", report.ToString());
        var expected = Floats(strict);
        var actual = Floats(lenient);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var key in expected.Keys) Assert.Equal(expected[key], actual[key]);

        // The objects beside the weights are stand-ins that hold nothing of the original.
        var content = TorchCheckpoint.Load(PathOf("script_objects.pth"), allowUnknownGlobals: true);
        var root = Assert.IsType<PickleDict>(content.Root);
        Assert.Equal(new UnknownGlobal("argparse", "Namespace"), Assert.IsType<Placeholder>(root["args"]).Source);
        Assert.Equal("numpy.core.multiarray.scalar", Assert.IsType<Placeholder>(root["best_acc"]).Source.QualifiedName);
        Assert.Equal(ScriptGlobals, content.Placeholders);
        Assert.Empty(TorchCheckpoint.Load(PathOf("tiny_net.pth"), allowUnknownGlobals: true).Placeholders);
    }

    [Fact]
    public void AHandcraftedPickleCallsNothingAndTheStrictDefaultStillRefusesIt()
    {
        // {'cmd': os.system('touch PWNED'), 'opts': argparse.Namespace.__new__(Namespace) with state {'lr': 0.1},
        //  'kw': pathlib.Path.__new__(Path, *('x',), **{'y': 1}), 'n': 3}
        var p = new Bytes().Op(0x80).Op(2).Op('}').Op('(');
        p.Str("cmd").Global("os", "system").Str("touch PWNED").Op(0x85).Op('R');
        p.Str("opts").Global("argparse", "Namespace").Op(')').Op(0x81).Op('}').Str("lr").Op('G').Raw(BitConverter.GetBytes(0.1).Reverse().ToArray()).Op('s').Op('b');
        p.Str("kw").Global("pathlib", "Path").Str("x").Op(0x85).Op('}').Str("y").Op('K').Op(1).Op('s').Op(0x92);
        p.Str("n").Op('K').Op(3);
        var pickle = p.Op('u').Op('.').ToArray();

        var refused = Assert.Throws<CheckpointFormatException>(() => StrictUnpickler.Load(pickle, "handmade.pkl"));
        Assert.Contains("refusing the global 'os.system'", refused.Message);

        var vocabulary = new PlaceholderGlobals();
        var root = Assert.IsType<PickleDict>(StrictUnpickler.Load(pickle, "handmade.pkl", vocabulary: vocabulary));
        Assert.Equal(new[] { "argparse.Namespace", "os.system", "pathlib.Path" }, vocabulary.Names);
        Assert.Equal("os.system", Assert.IsType<Placeholder>(root["cmd"]).Source.QualifiedName);
        Assert.Equal("argparse.Namespace", Assert.IsType<Placeholder>(root["opts"]).Source.QualifiedName);
        Assert.Equal("pathlib.Path", Assert.IsType<Placeholder>(root["kw"]).Source.QualifiedName);
        Assert.Equal(3L, root["n"]);
        Assert.False(File.Exists("PWNED"));
    }

    [Fact]
    public void LenientModeStillRefusesWhatAnAllowedGlobalCannotBe()
    {
        // NEWOBJ on an allowed global (OrderedDict) is not something torch.save writes: refused in both modes.
        var pickle = new Bytes().Op(0x80).Op(2).Global("collections", "OrderedDict").Op(')').Op(0x81).Op('.').ToArray();
        foreach (var vocabulary in new IPickleVocabulary?[] { null, new PlaceholderGlobals() })
        {
            var e = Assert.Throws<CheckpointFormatException>(() => StrictUnpickler.Load(pickle, "newobj.pkl", vocabulary: vocabulary));
            Assert.Contains("NEWOBJ", e.Message);
        }
    }

    /// <summary>Pickle opcodes by hand (protocol 2).</summary>
    private sealed class Bytes
    {
        private readonly List<byte> bytes = new();
        public Bytes Op(int code) { bytes.Add((byte)code); return this; }
        public Bytes Op(char code) => Op((int)code);
        public Bytes Raw(byte[] data) { bytes.AddRange(data); return this; }
        public Bytes Global(string module, string name) => Op('c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
        public Bytes Str(string text)
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            return Op('X').Raw(BitConverter.GetBytes(utf8.Length)).Raw(utf8);
        }
        public byte[] ToArray() => bytes.ToArray();
    }
}
