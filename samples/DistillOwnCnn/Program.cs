// Distils a small CNN of our own from a larger one on an in-memory dataset, then exports it to ONNX.
// Usage: dotnet run -- [output folder]   (see docs/library.md; run it again to resume/skip finished runs)
using SharpDistill.Config;
using SharpDistill.Data;
using SharpDistill.Distillers;
using SharpDistill.Export;
using SharpDistill.Models;
using SharpDistill.Torch;
using SharpDistill.Torch.NN;
using SharpDistill.Training;
using SharpDistill.Training.Checkpoints;

var output = args.Length > 0 ? args[0] : "distill-own-cnn";
string[] classes = ["hbar", "vbar", "cross", "box"];

// Our own data: 24x24 grayscale shapes at a jittered position on noise (all symmetric under a flip).
InMemoryDataset Shapes(string name, int count, int seed)
{
    var random = new Random(seed);
    var images = new List<ByteImage>();
    for (var i = 0; i < count; i++)
    {
        var image = new ByteImage(24, 24, 1);
        random.NextBytes(image.Pixels);
        for (var p = 0; p < image.Pixels.Length; p++) image.Pixels[p] /= 4;
        int cx = 12 + random.Next(-2, 3), cy = 12 + random.Next(-2, 3);
        for (var y = 0; y < 24; y++)
            for (var x = 0; x < 24; x++)
            {
                int dx = Math.Abs(x - cx), dy = Math.Abs(y - cy);
                bool h = dy <= 1 && dx <= 7, v = dx <= 1 && dy <= 7;
                if ((i % 4) switch { 0 => h, 1 => v, 2 => h || v, _ => Math.Max(dx, dy) is 6 or 7 }) image[x, y, 0] += 160;
            }
        images.Add(image);
    }
    return new InMemoryDataset(name, images, Enumerable.Range(0, count).Select(i => i % 4).ToList(), 4, classes);
}

// Our own networks: conv layers, then global average pooling and a linear classifier.
SequentialClassifier Cnn(string name, int width) => new(name, new Sequential(
    new Conv2d(1, width, 3, padding: 1), new BatchNorm2d(width), new ReLU(), new MaxPool2d(2),
    new Conv2d(width, 2 * width, 3, padding: 1), new BatchNorm2d(2 * width), new ReLU()), 2 * width, classes.Length, inChannels: 1);

RunConfig Settings(string name, string method)
{
    var config = new RunConfig();
    (config.Experiment.Name, config.Experiment.OutputDir, config.Distiller.Method) = (name, output, method);
    (config.Solver.Epochs, config.Solver.BatchSize, config.Log.Progress, config.Log.Tensorboard) = (4, 32, false, false);
    return config;
}

TrainingResult Train(ZooModel student, ZooModel? teacher, RunConfig config)
{
    var normalize = new Normalize([0.2f], [0.25f]);
    using var run = new RunParts { Student = student, Teacher = teacher, Normalize = normalize,
        Train = Shapes("shapes/train", 512, 1), Test = Shapes("shapes/test", 128, 2) }.CreateRun(config);
    using var trainer = new Trainer(run, Console.WriteLine);
    var result = trainer.Run(resume: File.Exists(trainer.LatestPath)); // checkpoints every epoch; rerun resumes
    var evaluation = Evaluator.Evaluate(run.Distiller.Student, run.TestLoader, run.Device);
    Console.WriteLine($"{config.Distiller.Method} {student.Name}: test top-1 {evaluation.Top1:0.00} %");
    if (teacher is not null) // export the distilled student with what a consumer needs to feed it
        OnnxExporter.Export(student, new ServingSpec { Model = student.Name, Channels = 1, InputSize = 24,
            Mean = normalize.Mean, Std = normalize.Std, NumClasses = 4, ClassNames = classes }, Path.Combine(output, "student.onnx"));
    return result;
}

TorchRuntime.ManualSeed(0);
var teacherRun = Train(Cnn("teacher", 32), null, Settings("teacher", "ce"));
var teacher = Cnn("teacher", 32);
CheckpointFile.Load(teacherRun.BestCheckpoint, teacher);
var distill = Settings("student", "kd");
distill.Distiller.Settings<KdSettings>().Temperature = 2; // a method's settings, in code
Train(Cnn("student", 8), teacher, distill);
Console.WriteLine($"exported {Path.Combine(output, "student.onnx")}");
