using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetDeep.Engine;

namespace MlNetDeep.Trainers;

/// <summary>
/// One checkpoint as one file: a magic line, a format version, a JSON header (epoch, identity, history, tracker, schedule,
/// generators), the float arrays (network, optimiser, kept best weights), and a SHA-256 of all that so a damaged file is
/// recognised. Written to a temporary name and renamed, so a crash while writing never replaces a usable checkpoint.
/// </summary>
internal static class CheckpointFile
{
    /// <summary>File name extension of checkpoints.</summary>
    public const string Extension = ".mlnetdeep-checkpoint";

    private const int Version = 1;

    // −∞ (no validation value yet) and NaN (no spare Gaussian) are written as named literals; doubles round-trip exactly.
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private static readonly byte[] Magic = "MLNETDEEP-CHECKPOINT\n"u8.ToArray();

    /// <summary>Writes <paramref name="checkpoint"/> to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void Write(string path, Checkpoint checkpoint)
    {
        AtomicWrite.File(path, stream =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var writer = new BinaryWriter(new HashingStream(stream, hash), Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(Version);
                byte[] header = JsonSerializer.SerializeToUtf8Bytes(Header.From(checkpoint), Json);
                writer.Write(header.Length);
                writer.Write(header);
                WriteArrays(writer, checkpoint.Network);
                WriteArrays(writer, checkpoint.Optimizer);
                WriteArrays(writer, checkpoint.Best.BestWeights);
            }
            stream.Write(hash.GetHashAndReset());
        });
    }

    /// <summary>Reads a checkpoint; <see cref="InvalidDataException"/> naming the file when it is not one or is damaged.</summary>
    public static Checkpoint Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < Magic.Length + 32 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new InvalidDataException($"'{path}' is not an MlNetDeep checkpoint.");
        var body = bytes.AsSpan(0, bytes.Length - 32);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            throw new InvalidDataException($"Checkpoint '{path}' is damaged (its checksum does not match); delete it to resume from the one before.");
        using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length, body.Length - Magic.Length), Encoding.UTF8);
        int version = reader.ReadInt32();
        if (version != Version) throw new InvalidDataException($"Checkpoint '{path}' has format version {version}; this MlNetDeep reads version {Version}.");
        var header = JsonSerializer.Deserialize<Header>(reader.ReadBytes(reader.ReadInt32()), Json)
            ?? throw new InvalidDataException($"Checkpoint '{path}' has no header.");
        var network = ReadArrays(reader)!;
        var optimizer = ReadArrays(reader)!;
        var best = ReadArrays(reader);
        return header.ToCheckpoint(network, optimizer, best);
    }

    private static void WriteArrays(BinaryWriter writer, IReadOnlyList<float[]>? arrays)
    {
        writer.Write(arrays?.Count ?? -1);
        if (arrays is null) return;
        foreach (var a in arrays)
        {
            writer.Write(a.Length);
            writer.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()));
        }
    }

    private static float[][]? ReadArrays(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0) return null;
        var arrays = new float[count][];
        for (int i = 0; i < count; i++)
        {
            arrays[i] = new float[reader.ReadInt32()];
            reader.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(arrays[i].AsSpan()));
        }
        return arrays;
    }

    /// <summary>The JSON part (everything but the float arrays).</summary>
    private sealed record Header(int Epoch, bool Stopped, Dictionary<string, string> Identity, List<EpochReport> History,
        double BestValue, int SinceBest, int BestEpoch, double[] Schedule, List<uint[]> Generators, List<double> SpareGaussians, long OptimizerSteps)
    {
        public static Header From(Checkpoint c) => new(c.Epoch, c.Stopped, new(c.Identity), [.. c.History],
            c.Best.BestValue, c.Best.SinceBest, c.Best.Epoch, c.Schedule,
            [.. c.Generators.Select(g => new[] { g.S0, g.S1, g.S2, g.S3 })], [.. c.Generators.Select(g => g.SpareGaussian)], c.OptimizerSteps);

        public Checkpoint ToCheckpoint(float[][] network, float[][] optimizer, float[][]? best) => new()
        {
            Epoch = Epoch, Stopped = Stopped, Identity = Identity, History = History,
            Best = new BestEpochState(BestValue, SinceBest, BestEpoch, best), Schedule = Schedule,
            Generators = [.. Generators.Zip(SpareGaussians, (s, g) => new RngState(s[0], s[1], s[2], s[3], g))],
            Network = network, OptimizerSteps = OptimizerSteps, Optimizer = optimizer,
        };
    }

    /// <summary>Feeds every byte written to a hash as well as to the file.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
    }
}
