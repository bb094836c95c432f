using System.Diagnostics;

namespace MlNetDeep.Cli;

/// <summary>
/// Progress on stderr: rows done, rows/s and ETA. On a terminal one line redrawn in place (a live bar); otherwise a
/// plain line at most every 5 seconds, so logs stay short.
/// </summary>
internal sealed class Progress(TextWriter stderr, long totalRows, bool interactive)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _last = TimeSpan.Zero;

    /// <summary>Time since the start.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Reports <paramref name="rowsRead"/> input rows read so far.</summary>
    public void Report(long rowsRead)
    {
        var now = _clock.Elapsed;
        if (now - _last < (interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5))) return;
        _last = now;
        double rate = rowsRead / Math.Max(now.TotalSeconds, 1e-9);
        string eta = rate > 0 && totalRows >= rowsRead ? TimeSpan.FromSeconds((totalRows - rowsRead) / rate).ToString(@"hh\:mm\:ss") : "?";
        int percent = totalRows > 0 ? (int)(100 * rowsRead / totalRows) : 100;
        if (interactive)
        {
            int filled = percent * 30 / 100;
            stderr.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {percent,3}% {rowsRead}/{totalRows} rows, {rate:F0} rows/s, ETA {eta}   ");
        }
        else stderr.WriteLine($"progress: {rowsRead}/{totalRows} rows ({percent}%), {rate:F0} rows/s, ETA {eta}");
    }

    /// <summary>Ends the live line.</summary>
    public void Finish()
    {
        if (interactive) stderr.WriteLine();
    }
}
