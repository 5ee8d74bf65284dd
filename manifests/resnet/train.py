"""ResNet-18 on CIFAR-10.

Prints a tqdm bar per epoch (on stderr, as tqdm does) and one line
`epoch i/N loss=... acc=... val_acc=...` after each epoch, which Trainyard reads
for the run card's progress bar and metrics.
"""

import argparse
import os

import torch
import torchvision
import torchvision.transforms as T
from torch import nn
from tqdm import tqdm

MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2470, 0.2435, 0.2616)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--data", default=os.environ.get("DATA_DIR", "./data"))
    return p.parse_args()


def loaders(data_dir, batch_size, workers):
    train_tf = T.Compose([T.RandomCrop(32, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(MEAN, STD)])
    test_tf = T.Compose([T.ToTensor(), T.Normalize(MEAN, STD)])
    train = torchvision.datasets.CIFAR10(data_dir, train=True, download=True, transform=train_tf)
    test = torchvision.datasets.CIFAR10(data_dir, train=False, download=True, transform=test_tf)
    return (
        torch.utils.data.DataLoader(train, batch_size=batch_size, shuffle=True, num_workers=workers, drop_last=True),
        torch.utils.data.DataLoader(test, batch_size=512, num_workers=workers),
    )


def cifar_resnet18():
    # CIFAR images are 32x32: a 3x3 stem without max-pooling keeps enough resolution.
    model = torchvision.models.resnet18(num_classes=10)
    model.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=1, padding=1, bias=False)
    model.maxpool = nn.Identity()
    return model


def evaluate(model, loader, device):
    model.eval()
    correct = total = 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            correct += (model(images).argmax(1) == labels).sum().item()
            total += labels.numel()
    return correct / total


def main():
    args = parse_args()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    print(f"device={device} epochs={args.epochs} lr={args.lr} batch_size={args.batch_size}", flush=True)
    train_loader, test_loader = loaders(args.data, args.batch_size, args.workers)

    model = cifar_resnet18().to(device)
    if torch.cuda.device_count() > 1:
        model = nn.DataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, weight_decay=5e-4, nesterov=True)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=len(train_loader)
    )
    criterion = nn.CrossEntropyLoss()

    for epoch in range(1, args.epochs + 1):
        model.train()
        loss_sum = correct = seen = 0
        bar = tqdm(train_loader, desc=f"epoch {epoch}", mininterval=2.0)
        for images, labels in bar:
            images, labels = images.to(device, non_blocking=True), labels.to(device, non_blocking=True)
            optimizer.zero_grad(set_to_none=True)
            outputs = model(images)
            loss = criterion(outputs, labels)
            loss.backward()
            optimizer.step()
            scheduler.step()
            loss_sum += loss.item() * labels.numel()
            correct += (outputs.argmax(1) == labels).sum().item()
            seen += labels.numel()
            bar.set_postfix(loss=f"{loss_sum / seen:.4f}")
        val_acc = evaluate(model, test_loader, device)
        print(
            f"epoch {epoch}/{args.epochs} loss={loss_sum / seen:.4f} acc={correct / seen:.4f} val_acc={val_acc:.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
