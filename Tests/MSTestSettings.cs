// The btrfs tests share loop devices, mounts and one machine's two cores: one test at a time.
[assembly: DoNotParallelize]
