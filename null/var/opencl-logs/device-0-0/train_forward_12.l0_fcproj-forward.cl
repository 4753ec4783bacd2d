#pragma OPENCL EXTENSION cl_khr_fp64 : enable  
#pragma OPENCL EXTENSION cl_khr_fp16 : enable  
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable  
__kernel void forward(__global long *_kernel_context, __constant uchar *_constant_region, __local uchar *_local_region, __global int *_atomics, __private int first, __private int count, __global uchar *out, __private int outOff, __global uchar *inp, __private int inpOff, __global uchar *params, __private int wOff, __private int bOff, __private int C, __private int OC)
{
  long l_36, l_21, l_37, l_35, l_40, l_41, l_22, l_23, l_28, l_29, l_42, l_27; 
  float f_18, f_32, f_31, f_44, f_25, f_39; 
  ulong ul_24, ul_30, ul_43, ul_1, ul_2, ul_0, ul_38; 
  int i_26, i_3, i_4, i_33, i_34, i_11, i_12, i_9, i_10, i_7, i_8, i_5, i_6, i_19, i_20, i_17, i_15, i_16, i_13, i_45, i_14; 

  // BLOCK 0
  ul_0  =  (ulong) out;
  ul_1  =  (ulong) inp;
  ul_2  =  (ulong) params;
  i_3  =  get_global_size(0);
  i_4  =  get_global_id(0);
  // BLOCK 1 MERGES [0 5 ]
  i_5  =  i_4;
  for(;i_5 < 216;)
  {
    // BLOCK 2
    i_6  =  i_5 / 12;
    i_7  =  i_6 << 3;
    i_8  =  i_6 << 2;
    i_9  =  i_7 + i_8;
    i_10  =  i_5 - i_9;
    i_11  =  i_10 << 5;
    i_12  =  i_10 << 4;
    i_13  =  i_11 + i_12;
    i_14  =  i_13 + 1608;
    i_15  =  i_6 << 5;
    i_16  =  i_6 << 4;
    i_17  =  i_15 + i_16;
    // BLOCK 3 MERGES [2 4 ]
    f_18  =  0.0F;
    i_19  =  0;
    for(;i_19 < 48;)
    {
      // BLOCK 4
      i_20  =  i_17 + i_19;
      l_21  =  (long) i_20;
      l_22  =  l_21 + 4L;
      l_23  =  l_22 << 2;
      ul_24  =  ul_1 + l_23;
      f_25  =  *((__global float *) ul_24);
      i_26  =  i_14 + i_19;
      l_27  =  (long) i_26;
      l_28  =  l_27 + 4L;
      l_29  =  l_28 << 2;
      ul_30  =  ul_2 + l_29;
      f_31  =  *((__global float *) ul_30);
      f_32  =  fma(f_25, f_31, f_18);
      i_33  =  i_19 + 1;
      f_18  =  f_32;
      i_19  =  i_33;
    }  // B3
    // BLOCK 5
    i_34  =  i_10 + 2184;
    l_35  =  (long) i_34;
    l_36  =  l_35 + 4L;
    l_37  =  l_36 << 2;
    ul_38  =  ul_2 + l_37;
    f_39  =  *((__global float *) ul_38);
    l_40  =  (long) i_5;
    l_41  =  l_40 + 4L;
    l_42  =  l_41 << 2;
    ul_43  =  ul_0 + l_42;
    f_44  =  f_39 + f_18;
    *((__global float *) ul_43)  =  f_44;
    i_45  =  i_3 + i_5;
    i_5  =  i_45;
  }  // B1
  // BLOCK 6
  return;
}  //  kernel
