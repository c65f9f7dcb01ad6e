// Dates people type ("15/8", "tháng 8") and dates we show are Vietnamese local time, whatever the
// server's clock is set to. Imported first by every entry point.
process.env.TZ ||= "Asia/Ho_Chi_Minh";
