using SharpDistill.Data;
using SharpDistill.Torch;

namespace SharpDistill.Tests.Data;

public class ToTensorNormalizeTests
{
    [Fact]
    public void ToTensor_scales_to_unit_range_and_moves_channels_first()
    {
        var image = Images.Pattern(4, 3, 3, seed: 1);
        var chw = ToTensor.Apply(image);
        Assert.Equal((3, 3, 4), (chw.Channels, chw.Height, chw.Width));
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < 3; y++)
                for (var x = 0; x < 4; x++)
                    Assert.Equal(image[x, y, c] / 255f, chw[c, y, x]);
        Assert.Equal(1f, ToTensor.Apply(new ByteImage(1, 1, 1, [255])).Data[0]);
        Assert.Equal(0f, ToTensor.Apply(new ByteImage(1, 1, 1, [0])).Data[0]);
    }

    [Fact]
    public void Normalize_subtracts_mean_and_divides_by_std_per_channel_in_float32()
    {
        var chw = ToTensor.Apply(Images.Pattern(2, 2, 3, seed: 4));
        var normalized = Normalize.Cifar100.Apply(chw);
        float[] mean = [0.5071f, 0.4867f, 0.4408f], std = [0.2675f, 0.2565f, 0.2761f];
        for (var c = 0; c < 3; c++)
            for (var i = 0; i < 4; i++)
                Assert.Equal((chw.Data[c * 4 + i] - mean[c]) / std[c], normalized.Data[c * 4 + i]);
        Assert.NotSame(chw.Data, normalized.Data);
        // (128/255 - 0.5071) / 0.2675 in float32, as numpy.float32 (and PyTorch) computes it.
        Assert.Equal(-0.019211857f, Normalize.Cifar100.Apply(new ChwImage(3, 1, 1, [128 / 255f, 0, 0])).Data[0]);
    }

    [Fact]
    public void ToTensor_and_normalize_match_libtorch_bit_for_bit()
    {
        // torchvision: img.permute(2, 0, 1).float().div(255), then sub_(mean[:, None, None]).div_(std[:, None, None]),
        // run here through libtorch on every byte value.
        var pixels = Enumerable.Range(0, 256 * 3).Select(i => (byte)(i * 7 % 256)).ToArray();
        var image = new ByteImage(16, 16, 3, pixels);
        var ours = Normalize.ImageNet.Apply(ToTensor.Apply(image));

        using var scope = new TensorScope();
        var hwc = Tensor.FromArray(pixels, 16, 16, 3);
        var chw = hwc.Permute(2, 0, 1).To(DType.Float32).Div(255);
        var mean = Tensor.FromArray(new[] { 0.485f, 0.456f, 0.406f }, 3, 1, 1);
        var std = Tensor.FromArray(new[] { 0.229f, 0.224f, 0.225f }, 3, 1, 1);
        Assert.Equal(chw.Contiguous().ToArray<float>(), ToTensor.Apply(image).Data);
        Assert.Equal(((chw - mean) / std).Contiguous().ToArray<float>(), ours.Data);
    }

    [Fact]
    public void Presets_hold_the_reference_statistics()
    {
        Assert.Equal([0.485f, 0.456f, 0.406f], Normalize.ImageNet.Mean);
        Assert.Equal([0.229f, 0.224f, 0.225f], Normalize.ImageNet.Std);
        Assert.Equal([0.2860f], Normalize.FashionMnist.Mean);
        Assert.Equal([0.3530f], Normalize.FashionMnist.Std);
    }

    [Fact]
    public void Normalize_rejects_bad_statistics_and_channel_mismatch()
    {
        Assert.Throws<ArgumentException>(() => new Normalize([0.5f], [0.5f, 0.5f]));
        Assert.Throws<ArgumentException>(() => new Normalize([0.5f], [0f]));
        var e = Assert.Throws<ArgumentException>(() => Normalize.FashionMnist.Apply(new ChwImage(3, 1, 1, [0, 0, 0])));
        Assert.Contains("1 channels", e.Message);
    }

    private sealed class AddOne : IImageTransform
    {
        public ByteImage Apply(ByteImage image, Random random) =>
            new(image.Width, image.Height, image.Channels, image.Pixels.Select(p => (byte)(p + 1)).ToArray());
    }

    private sealed class Double : IImageTransform
    {
        public ByteImage Apply(ByteImage image, Random random) =>
            new(image.Width, image.Height, image.Channels, image.Pixels.Select(p => (byte)(p * 2)).ToArray());
    }

    [Fact]
    public void Pipeline_runs_steps_in_order_then_to_tensor_then_normalize()
    {
        var image = new ByteImage(1, 1, 1, [10]);
        var pipeline = new ImagePipeline(new Normalize([0.1f], [0.5f]), new AddOne(), new Double());
        var view = Assert.Single(pipeline.Apply(image, new SampleRandom(0)));
        Assert.Equal((22 / 255f - 0.1f) / 0.5f, view.Data[0]);
        Assert.Equal(10, image.Pixels[0]); // input untouched
        Assert.Equal(10 / 255f, new ImagePipeline(null).ApplyOne(image, new SampleRandom(0)).Data[0]);
    }

    [Fact]
    public void Multi_view_concatenates_views_in_order()
    {
        var image = new ByteImage(1, 1, 1, [10]);
        var multi = new MultiViewTransform(new ImagePipeline(null, new AddOne()), new ImagePipeline(null, new Double()));
        Assert.Equal(2, multi.ViewCount);
        var views = multi.Apply(image, new SampleRandom(0));
        Assert.Equal([11 / 255f, 20 / 255f], views.Select(v => v.Data[0]));
    }
}
