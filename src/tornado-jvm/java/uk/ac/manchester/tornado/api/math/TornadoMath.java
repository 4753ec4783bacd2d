/*
 * tornado-gpt: clean-room JVM version of TornadoVM's api.math.TornadoMath (functions listed in
 * docs/tornado-api-facts.md), implemented with java.lang.Math; float versions compute in
 * double where Math has no float overload and cast the result. Like the real class it has no
 * erf, rsqrt or fma. Choices: min/max/clamp also take int and long; fract is kept below 1
 * (x - floor(x), capped at the largest value below 1, as OpenCL's fract); asinh/acosh use the
 * log formulas (java.lang.Math has neither). Left out: the isEqual* test helpers.
 */
package uk.ac.manchester.tornado.api.math;

public final class TornadoMath {

    private static final double LN2 = Math.log(2.0);
    private static final float FRACT_MAX_F = Math.nextDown(1.0f);
    private static final double FRACT_MAX_D = Math.nextDown(1.0);

    private TornadoMath() {
    }

    public static float floatPI() {
        return (float) Math.PI;
    }

    public static double PI() {
        return Math.PI;
    }

    public static float min(float a, float b) {
        return Math.min(a, b);
    }

    public static float max(float a, float b) {
        return Math.max(a, b);
    }

    public static float clamp(float x, float min, float max) {
        return Math.min(Math.max(x, min), max);
    }

    public static double min(double a, double b) {
        return Math.min(a, b);
    }

    public static double max(double a, double b) {
        return Math.max(a, b);
    }

    public static double clamp(double x, double min, double max) {
        return Math.min(Math.max(x, min), max);
    }

    public static int min(int a, int b) {
        return Math.min(a, b);
    }

    public static int max(int a, int b) {
        return Math.max(a, b);
    }

    public static int clamp(int x, int min, int max) {
        return Math.min(Math.max(x, min), max);
    }

    public static long min(long a, long b) {
        return Math.min(a, b);
    }

    public static long max(long a, long b) {
        return Math.max(a, b);
    }

    public static long clamp(long x, long min, long max) {
        return Math.min(Math.max(x, min), max);
    }

    public static float abs(float x) {
        return Math.abs(x);
    }

    public static double abs(double x) {
        return Math.abs(x);
    }

    public static int abs(int x) {
        return Math.abs(x);
    }

    public static long abs(long x) {
        return Math.abs(x);
    }

    public static short abs(short x) {
        return (short) Math.abs(x);
    }

    public static byte abs(byte x) {
        return (byte) Math.abs(x);
    }

    public static float pow(float x, float y) {
        return (float) Math.pow(x, y);
    }

    public static double pow(double x, double y) {
        return Math.pow(x, y);
    }

    public static float atan2(float y, float x) {
        return (float) Math.atan2(y, x);
    }

    public static double atan2(double y, double x) {
        return Math.atan2(y, x);
    }

    public static float exp(float x) {
        return (float) Math.exp(x);
    }

    public static double exp(double x) {
        return Math.exp(x);
    }

    public static float log(float x) {
        return (float) Math.log(x);
    }

    public static double log(double x) {
        return Math.log(x);
    }

    public static float sqrt(float x) {
        return (float) Math.sqrt(x);
    }

    public static double sqrt(double x) {
        return Math.sqrt(x);
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    public static double tanh(double x) {
        return Math.tanh(x);
    }

    public static float tan(float x) {
        return (float) Math.tan(x);
    }

    public static double tan(double x) {
        return Math.tan(x);
    }

    public static float atan(float x) {
        return (float) Math.atan(x);
    }

    public static double atan(double x) {
        return Math.atan(x);
    }

    public static float sin(float x) {
        return (float) Math.sin(x);
    }

    public static double sin(double x) {
        return Math.sin(x);
    }

    public static float cos(float x) {
        return (float) Math.cos(x);
    }

    public static double cos(double x) {
        return Math.cos(x);
    }

    public static float asin(float x) {
        return (float) Math.asin(x);
    }

    public static double asin(double x) {
        return Math.asin(x);
    }

    public static float acos(float x) {
        return (float) Math.acos(x);
    }

    public static double acos(double x) {
        return Math.acos(x);
    }

    public static float floor(float x) {
        return (float) Math.floor(x);
    }

    public static double floor(double x) {
        return Math.floor(x);
    }

    public static float ceil(float x) {
        return (float) Math.ceil(x);
    }

    public static double ceil(double x) {
        return Math.ceil(x);
    }

    public static float signum(float x) {
        return Math.signum(x);
    }

    public static double signum(double x) {
        return Math.signum(x);
    }

    public static float toRadians(float x) {
        return (float) Math.toRadians(x);
    }

    public static double toRadians(double x) {
        return Math.toRadians(x);
    }

    public static float log2(float x) {
        return (float) (Math.log(x) / LN2);
    }

    public static double log2(double x) {
        return Math.log(x) / LN2;
    }

    public static float asinh(float x) {
        return (float) asinh((double) x);
    }

    public static double asinh(double x) {
        return Math.copySign(Math.log1p(Math.abs(x) + x * x / (1.0 + Math.sqrt(1.0 + x * x))), x);
    }

    public static float acosh(float x) {
        return (float) acosh((double) x);
    }

    public static double acosh(double x) {
        return Math.log(x + Math.sqrt(x * x - 1.0));
    }

    /** x - floor(x), kept below 1 as OpenCL's fract. */
    public static float fract(float x) {
        return Math.min(x - (float) Math.floor(x), FRACT_MAX_F);
    }

    public static double fract(double x) {
        return Math.min(x - Math.floor(x), FRACT_MAX_D);
    }

    /** sin(PI * x). */
    public static float sinpi(float x) {
        return (float) Math.sin(Math.PI * x);
    }

    public static double sinpi(double x) {
        return Math.sin(Math.PI * x);
    }

    /** cos(PI * x). */
    public static float cospi(float x) {
        return (float) Math.cos(Math.PI * x);
    }

    public static double cospi(double x) {
        return Math.cos(Math.PI * x);
    }
}
