#!/usr/bin/env python3
"""Writes configs/<dataset>/<method>/<teacher>_<student>.yaml: the published recipes as overrides of
SharpDistill's typed defaults (src/SharpDistill/Config/RunConfig.cs). Re-run after changing a recipe.

Sources: docs/methods/crld.md (CRLD pairs and overrides), docs/methods/dkd.md (KD, DKD
β per pair from mdistiller's configs/cifar100/dkd/*.yaml, DIST), docs/methods/dcd.md (DCD, DCD+KD), docs/training.md
"""
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "configs")

SHORT = {"resnet8": "res8", "resnet20": "res20", "resnet32": "res32", "resnet56": "res56", "resnet110": "res110",
         "resnet8x4": "res8x4", "resnet32x4": "res32x4", "wrn_16_2": "wrn16_2", "wrn_40_1": "wrn40_1",
         "wrn_40_2": "wrn40_2", "vgg8": "vgg8", "vgg13": "vgg13", "MobileNetV2": "mv2", "ShuffleV1": "shuv1",
         "ShuffleV2": "shuv2", "ResNet50": "res50", "ResNet18": "res18", "ResNet34": "res34", "MobileNetV1": "mv1"}

# Students trained with LR 0.01 instead of 0.05 (docs/training.md).
LOW_LR_STUDENTS = {"MobileNetV2", "ShuffleV1", "ShuffleV2"}

CRLD_PAIRS = [("resnet56", "resnet20"), ("resnet110", "resnet32"), ("resnet32x4", "resnet8x4"),
              ("wrn_40_2", "wrn_16_2"), ("wrn_40_2", "wrn_40_1"), ("vgg13", "vgg8"), ("resnet32x4", "wrn_16_2"),
              ("wrn_40_2", "resnet8x4"), ("vgg13", "MobileNetV2"), ("ResNet50", "MobileNetV2"),
              ("wrn_40_2", "MobileNetV2"), ("resnet32x4", "ShuffleV2")]
# The CRD-paper table (KD and DCD report all of them).
CRD_PAIRS = [("wrn_40_2", "wrn_16_2"), ("wrn_40_2", "wrn_40_1"), ("resnet56", "resnet20"), ("resnet110", "resnet20"),
             ("resnet110", "resnet32"), ("resnet32x4", "resnet8x4"), ("vgg13", "vgg8"), ("vgg13", "MobileNetV2"),
             ("ResNet50", "MobileNetV2"), ("ResNet50", "vgg8"), ("resnet32x4", "ShuffleV1"), ("resnet32x4", "ShuffleV2"),
             ("wrn_40_2", "ShuffleV1")]
# mdistiller's DKD configs; β is 8 unless listed.
DKD_BETA = {("resnet110", "resnet32"): 2.0, ("resnet56", "resnet20"): 2.0, ("vgg13", "MobileNetV2"): 6.0,
            ("vgg13", "vgg8"): 6.0, ("wrn_40_2", "wrn_16_2"): 6.0, ("wrn_40_2", "wrn_40_1"): 6.0}
DKD_PAIRS = [("resnet110", "resnet32"), ("resnet32x4", "resnet8x4"), ("resnet32x4", "ShuffleV1"),
             ("resnet32x4", "ShuffleV2"), ("ResNet50", "MobileNetV2"), ("resnet56", "resnet20"), ("vgg13", "MobileNetV2"),
             ("vgg13", "vgg8"), ("wrn_40_2", "ShuffleV1"), ("wrn_40_2", "wrn_16_2"), ("wrn_40_2", "wrn_40_1")]
# DIST README pairs (mean ± std reported).
DIST_PAIRS = [("resnet56", "resnet20"), ("resnet32x4", "resnet8x4"), ("wrn_40_2", "wrn_40_1"),
              ("ResNet50", "MobileNetV2"), ("resnet32x4", "ShuffleV1"), ("resnet32x4", "ShuffleV2")]


def teacher_checkpoint(dataset, teacher):
    # The published teachers' layout (mdistiller cifar_teachers.tar), relative to the working directory.
    return f"teachers/{dataset}/{teacher}_vanilla/ckpt_epoch_240.pth"


def write(dataset, method, name, body):
    folder = os.path.join(ROOT, dataset, method)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name + ".yaml"), "w") as f:
        f.write(body)


def cifar(method, pairs, extra=lambda t, s: "", tag=None):
    tag = tag or method
    for teacher, student in pairs:
        name = f"{SHORT[teacher]}_{SHORT[student]}"
        lr = "0.01" if student in LOW_LR_STUDENTS else "0.05"
        body = (f"# CIFAR-100 {tag}: {teacher} -> {student} (240 epochs, batch 64, SGD 0.9, wd 5e-4, x0.1 at 150/180/210)\n"
                f"experiment:\n  name: cifar100_{tag}_{name}\n"
                f"dataset:\n  name: cifar100\n"
                f"models:\n  teacher: {teacher}\n  teacher_checkpoint: {teacher_checkpoint('cifar100', teacher)}\n  student: {student}\n"
                f"distiller:\n  method: {method}\n{extra(teacher, student)}"
                f"solver:\n  lr: {lr}\n")
        write("cifar100", tag, name, body)


def main():
    cifar("crld", CRLD_PAIRS)
    cifar("kd", CRD_PAIRS)
    cifar("dkd", DKD_PAIRS, lambda t, s: f"  dkd:\n    beta: {DKD_BETA.get((t, s), 8.0)}\n" if (t, s) in DKD_BETA else "")
    cifar("dist", DIST_PAIRS)
    cifar("dcd", CRD_PAIRS)
    cifar("dcd", CRD_PAIRS, lambda t, s: "  dcd:\n    kd_weight: 1.0\n", tag="dcd_kd")
    cifar("cmkd", DIST_PAIRS)
    # The student alone (CE), one per distinct student of the CRLD table.
    for student in sorted({s for _, s in CRD_PAIRS + CRLD_PAIRS}):
        lr = "0.01" if student in LOW_LR_STUDENTS else "0.05"
        write("cifar100", "ce", SHORT[student],
              f"# CIFAR-100 vanilla {student} (no teacher)\nexperiment:\n  name: cifar100_ce_{SHORT[student]}\n"
              f"dataset:\n  name: cifar100\nmodels:\n  student: {student}\ndistiller:\n  method: ce\nsolver:\n  lr: {lr}\n")

    # Tiny-ImageNet (docs/methods/crld.md): the CNN pair.
    write("tinyimagenet", "crld", "res32x4_res8x4",
          "# Tiny-ImageNet CRLD: resnet32x4 -> resnet8x4 (64 px, 200 classes, global pooling)\n"
          "experiment:\n  name: tinyimagenet_crld_res32x4_res8x4\ndataset:\n  name: tiny_imagenet\n"
          f"models:\n  teacher: resnet32x4\n  teacher_checkpoint: {teacher_checkpoint('tinyimagenet', 'resnet32x4')}\n  student: resnet8x4\n"
          "distiller:\n  method: crld\n  crld:\n    temperature: 2.0\n    wv_weight: 4.0\n    cv_weight: 1.0\n")

    # ImageNet (docs/methods/crld.md; docs/training.md). Batch 512 per the paper setting (the shipped R34->R18 yaml says 64 # 512).
    for teacher, student in [("ResNet34", "ResNet18"), ("ResNet50", "MobileNetV1")]:
        name = f"{SHORT[teacher]}_{SHORT[student]}"
        common = (f"dataset:\n  name: imagenet\n  test_batch_size: 128\n"
                  f"models:\n  teacher: imagenet/{teacher}\n  teacher_checkpoint: teachers/imagenet/{teacher.lower()}.pth\n  student: imagenet/{student}\n")
        solver = "solver:\n  epochs: 100\n  batch_size: 512\n  lr: 0.2\n  lr_decay_stages: [30, 60, 90]\n  weight_decay: 0.0001\n"
        write("imagenet", "crld", name, f"# ImageNet CRLD: {teacher} -> {student}\nexperiment:\n  name: imagenet_crld_{name}\n{common}"
              "distiller:\n  method: crld\n  crld:\n    temperature: 1.0\n    ce_weight: 2.0\n" + solver)
        # mdistiller configs/imagenet/*/kd.yaml: T 1, CE 0.5, KD 0.5.
        write("imagenet", "kd", name, f"# ImageNet KD: {teacher} -> {student}\nexperiment:\n  name: imagenet_kd_{name}\n{common}"
              "distiller:\n  method: kd\n  kd:\n    temperature: 1.0\n    ce_weight: 0.5\n    kd_weight: 0.5\n" + solver)
        # mdistiller configs/imagenet/*/dkd.yaml: T 1, warm-up 1 epoch, β 0.5 (R34->R18) or 2.0 (R50->MV1).
        beta = 0.5 if teacher == "ResNet34" else 2.0
        write("imagenet", "dkd", name, f"# ImageNet DKD: {teacher} -> {student}\nexperiment:\n  name: imagenet_dkd_{name}\n{common}"
              f"distiller:\n  method: dkd\n  dkd:\n    beta: {beta}\n    temperature: 1.0\n    warmup: 1\n" + solver)
        write("imagenet", "dist", name, f"# ImageNet DIST: {teacher} -> {student} (tau 1)\nexperiment:\n  name: imagenet_dist_{name}\n{common}"
              "distiller:\n  method: dist\n  dist:\n    tau: 1.0\n" + solver)


    # Fashion-MNIST, for CPU runs (the budget of configs/fashion_mnist/study.yaml, one run per file):
    #   sharpdistill train -c configs/fashion_mnist/ce/res20.yaml          (the teacher, 4 epochs)
    #   sharpdistill distill -c configs/fashion_mnist/crld/res20_res8.yaml (a student from it, 3 epochs)
    fm_common = ("dataset:\n  name: fashion_mnist\n  train_limit: 10000\n  test_batch_size: 256\n")
    fm_teacher = "runs/fashion_mnist_ce_res20/checkpoints/best.safetensors"
    write("fashion_mnist", "ce", "res20",
          "# Fashion-MNIST teacher: resnet20 alone, 4 epochs on the first 10,000 images (LR /10 for the last)\n"
          "experiment:\n  name: fashion_mnist_ce_res20\n" + fm_common +
          "models:\n  student: resnet20\ndistiller:\n  method: ce\nsolver:\n  epochs: 4\n  lr_decay_stages: [3]\n")
    write("fashion_mnist", "ce", "res8",
          "# Fashion-MNIST student baseline: resnet8 alone, 3 epochs on the first 10,000 images\n"
          "experiment:\n  name: fashion_mnist_ce_res8\n" + fm_common +
          "models:\n  student: resnet8\ndistiller:\n  method: ce\nsolver:\n  epochs: 3\n  lr_decay_stages: [2]\n")
    for method, extra in [("kd", ""), ("dkd", "  dkd:\n    warmup: 3\n"), ("dist", ""), ("crld", ""), ("dcd", ""), ("cmkd", "")]:
        write("fashion_mnist", method, "res20_res8",
              f"# Fashion-MNIST {method}: resnet20 -> resnet8, 3 epochs on the first 10,000 images (train the teacher first: ce/res20.yaml)\n"
              f"experiment:\n  name: fashion_mnist_{method}_res20_res8\n" + fm_common +
              f"models:\n  teacher: resnet20\n  teacher_checkpoint: {fm_teacher}\n  student: resnet8\n"
              f"distiller:\n  method: {method}\n{extra}solver:\n  epochs: 3\n  lr_decay_stages: [2]\n")


if __name__ == "__main__":
    main()
